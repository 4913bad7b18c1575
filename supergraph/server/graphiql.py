"""GraphiQL served by the gateway itself, from npm packages installed by the project.

The assets come from `supergraph/server/graphiql/node_modules` (installed by `npm ci`
through the project's install step, listed in `.ci/npm-runtime-dirs`); nothing is
loaded from a CDN, so the page works with no internet access.
"""

from __future__ import annotations

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "graphiql" / "node_modules"

# URL name -> file inside node_modules.
_ASSETS = {
    "react.js": "react/umd/react.production.min.js",
    "react-dom.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.js": "graphiql/graphiql.min.js",
    "graphiql.css": "graphiql/graphiql.min.css",
}
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Shopgraph GraphiQL</title>
  <link rel="stylesheet" href="{prefix}graphiql.css">
  <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL...</div>
  <script src="{prefix}react.js"></script>
  <script src="{prefix}react-dom.js"></script>
  <script src="{prefix}graphiql.js"></script>
  <script>
    const params = new URLSearchParams(window.location.search);
    const editorQuery = params.get('editorQuery') || '';
    const sendToGateway = GraphiQL.createFetcher({{ url: window.location.pathname }});
    let ranEditorQuery = false;  // GraphiQL sent an operation other than its introspection
    const fetcher = (request, options) => {{
      if (request.operationName !== 'IntrospectionQuery') {{ ranEditorQuery = true; }}
      // The Headers pane starts with an empty Authorization to fill in; an empty value
      // is not sent (a gateway verifying tokens refuses `Authorization:` with no token).
      const headers = Object.fromEntries(Object.entries((options && options.headers) || {{}})
        .filter(([, value]) => value !== ''));
      return sendToGateway(request, {{ ...options, headers }});
    }};
    const root = ReactDOM.createRoot(document.getElementById('graphiql'));
    root.render(React.createElement(GraphiQL, {{
      fetcher,
      // The query of a link wins over the one GraphiQL kept from the last visit.
      query: editorQuery || undefined,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      defaultHeaders: JSON.stringify({{ Authorization: '' }}, null, 2),
      shouldPersistHeaders: true,
    }}));
    // `?editorQuery=...&autorun` runs the query once GraphiQL is ready. The run button
    // appears before GraphiQL has set up its editors, and a click then does nothing,
    // so press it once the query editor holds the query, and again until it has run.
    if (params.has('autorun')) {{
      const editorHoldsQuery = () => {{
        const editor = document.querySelector('.graphiql-query-editor .CodeMirror');
        return Boolean(editor && editor.CodeMirror && editor.CodeMirror.getValue() === editorQuery
          && document.querySelector('.graphiql-response .CodeMirror'));
      }};
      const run = () => {{
        if (ranEditorQuery) {{ return; }}
        const button = document.querySelector('.graphiql-execute-button');
        if (button && editorHoldsQuery()) {{ button.click(); }}
        setTimeout(run, 1000);
      }};
      setTimeout(run, 300);
    }}
  </script>
</body>
</html>
"""


class GraphiQL:
    """The GraphiQL page and its assets, read once from node_modules."""

    ASSET_PREFIX = "/graphiql/"

    def __init__(self, assets_dir: Path = ASSETS_DIR) -> None:
        self._assets_dir = assets_dir
        self._cache: dict[str, tuple[bytes, str]] = {}
        self._page = _PAGE.format(prefix=self.ASSET_PREFIX).encode()

    def page(self) -> bytes:
        return self._page

    def asset(self, path: str) -> tuple[bytes, str] | None:
        name = path[len(self.ASSET_PREFIX) :]
        cached = self._cache.get(name)
        if cached is not None:
            return cached
        relative = _ASSETS.get(name)
        if relative is None:
            return None
        file = self._assets_dir / relative
        if not file.is_file():
            return None
        found = (file.read_bytes(), _TYPES.get(file.suffix, "application/octet-stream"))
        self._cache[name] = found
        return found
