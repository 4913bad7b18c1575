// Data-driven federation subgraphs for the router conformance suite.
//
// Every subgraph of every conformance case is served by @apollo/subgraph's
// buildSubgraphSchema over a declarative data document, on one HTTP port:
//
//   POST /<tag>/<case>/<subgraph>   GraphQL (the tag names the router under test,
//                                   so each router's fetches are counted apart)
//   POST /__reset/<tag>             forget the tag's fetch counts and mutation state
//   GET  /__counts/<tag>            {"<case>": {"<subgraph>": fetches}}
//   GET  /__log/<tag>               the tag's subgraph requests since the last reset
//
// The data vocabulary (documented for case authors in
// tests/supergraph/conformance/README.md):
//   Query / Mutation     root values; a field's value is resolved as below
//   entities.<Type>      records; `_entities` and any object carrying __typename +
//                        a key are completed from the matching record
//   types.<Type>.<field> the value of a field for every object of Type that does not
//                        carry the field itself (computed fields, @requires results)
//   $unavailable: true   the subgraph answers every request with HTTP 503
//   values: plain JSON, or one of
//     {"$tpl": "text ${path}"}  string over the object (and `args.x`); a template
//                               that is exactly one ${path} yields the raw value
//     {"$byArg": "name", "cases": {"<value>": v}, "default": v}
//     {"$echoArgs": true}       the field's arguments as canonical JSON text
//     {"$error": "message"}     the field raises a GraphQL error
//     {"$append": "log", "value": v}  append v to the tag's named log, return the log
//     {"$readLog": "log"}      the tag's named log as it is now
//     {"$now": {...}}          an object whose values are evaluated as the field
//                              resolves (so they see this field's arguments)
'use strict';

const http = require('http');
const { buildSubgraphSchema } = require('@apollo/subgraph');
const { parse, graphql, getOperationAST, GraphQLError, isInterfaceType } = require('graphql');

function keyFieldsByType(document) {
  // For each type with @key directives: a list of keys, each the top-level field
  // names of its field set (enough to pick the matching record).
  const keys = {};
  for (const def of document.definitions) {
    if (!def.directives || !def.name) continue;
    for (const directive of def.directives) {
      if (directive.name.value !== 'key') continue;
      const fieldsArg = directive.arguments.find((a) => a.name.value === 'fields');
      if (!fieldsArg) continue;
      const selection = parse(`{ ${fieldsArg.value.value} }`).definitions[0].selectionSet;
      const names = selection.selections.map((s) => s.name.value);
      (keys[def.name.value] = keys[def.name.value] || []).push(names);
    }
  }
  return keys;
}

function subsetMatches(partial, whole) {
  if (partial === null || typeof partial !== 'object') return partial === whole;
  if (whole === null || typeof whole !== 'object') return false;
  if (Array.isArray(partial)) {
    return (
      Array.isArray(whole) &&
      partial.length === whole.length &&
      partial.every((item, i) => subsetMatches(item, whole[i]))
    );
  }
  return Object.keys(partial).every(
    (k) => !(k in whole) || k === '__typename' || subsetMatches(partial[k], whole[k]),
  );
}

function canonicalJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

function readPath(root, path) {
  let value = root;
  for (const part of path.split('.')) {
    if (value === null || value === undefined) return undefined;
    value = value[part];
  }
  return value;
}

class FixtureSubgraph {
  constructor(caseName, name, sdl, data, state) {
    this.caseName = caseName;
    this.name = name;
    this.data = data || {};
    this.state = state; // shared by the case's subgraphs: mutation logs per tag
    const document = parse(sdl);
    this.keys = keyFieldsByType(document);
    this.schema = buildSubgraphSchema([{ typeDefs: document, resolvers: this.entityResolvers() }]);
  }

  entityResolvers() {
    const resolvers = {};
    for (const typeName of Object.keys(this.keys)) {
      resolvers[typeName] = {
        __resolveReference: (representation, _context, info) =>
          this.resolveReference(representation, info.schema),
      };
    }
    return resolvers;
  }

  // Records that may stand for an object of `typeName`, each with its concrete __typename.
  candidates(typeName, schema) {
    const tables = this.data.entities || {};
    const own = (tables[typeName] || []).map((r) => ({ __typename: typeName, ...r }));
    const type = schema.getType(typeName);
    if (!isInterfaceType(type)) return own;
    const implementations = schema.getPossibleTypes(type).map((t) => t.name);
    const concrete = implementations.flatMap((name) =>
      (tables[name] || []).map((r) => ({ __typename: name, ...r })),
    );
    return own.concat(concrete);
  }

  findRecord(object, typeName, schema) {
    const keys = this.keys[typeName] || [];
    const usable = keys.filter((key) => key.every((f) => object[f] !== undefined));
    if (usable.length === 0) return undefined;
    return this.candidates(typeName, schema).find((record) =>
      usable.some((key) =>
        key.every((f) => record[f] !== undefined && subsetMatches(object[f], record[f])),
      ),
    );
  }

  resolveReference(representation, schema) {
    const typeName = representation.__typename;
    const hasTable =
      this.data.entities &&
      (this.data.entities[typeName] ||
        (isInterfaceType(schema.getType(typeName)) &&
          this.candidates(typeName, schema).length > 0));
    if (!hasTable) return { ...representation };
    const record = this.findRecord(representation, typeName, schema);
    if (!record) return null;
    return { ...record, ...representation, __typename: record.__typename };
  }

  fieldResolver() {
    return (source, args, context, info) => {
      const field = info.fieldName;
      let raw;
      let scope = source;
      if (source && Object.prototype.hasOwnProperty.call(source, field)) {
        raw = source[field];
      } else {
        const typeName = (source && source.__typename) || info.parentType.name;
        const record =
          source && this.keys[typeName] ? this.findRecord(source, typeName, info.schema) : null;
        if (record && Object.prototype.hasOwnProperty.call(record, field)) {
          raw = record[field];
        } else {
          const defaults = (this.data.types || {})[info.parentType.name] || {};
          raw = defaults[field];
        }
        if (record) scope = { ...record, ...source };
      }
      return this.evaluate(raw, scope, args, context);
    };
  }

  evaluate(value, scope, args, context) {
    if (Array.isArray(value)) return value.map((v) => this.evaluate(v, scope, args, context));
    if (value === null || typeof value !== 'object') return value;
    if ('$tpl' in value) return this.template(value.$tpl, scope, args);
    if ('$byArg' in value) {
      const chosen = canonicalArg(args[value.$byArg]);
      const cases = value.cases || {};
      const next = Object.prototype.hasOwnProperty.call(cases, chosen)
        ? cases[chosen]
        : value.default;
      return this.evaluate(next === undefined ? null : next, scope, args, context);
    }
    if ('$echoArgs' in value) return canonicalJson(args);
    if ('$error' in value) {
      throw new GraphQLError(value.$error, { extensions: { code: value.code || 'FIXTURE' } });
    }
    if ('$now' in value) {
      const out = {};
      for (const [k, v] of Object.entries(value.$now)) out[k] = this.evaluate(v, scope, args, context);
      return out;
    }
    if ('$readLog' in value) {
      const logs = this.state[context.tag] || {};
      return (logs[value.$readLog] || []).slice();
    }
    if ('$append' in value) {
      const logs = (this.state[context.tag] = this.state[context.tag] || {});
      const log = (logs[value.$append] = logs[value.$append] || []);
      log.push(this.evaluate(value.value, scope, args, context));
      return log.slice();
    }
    return value;
  }

  template(text, scope, args) {
    const root = { ...scope, args };
    const whole = /^\$\{([^}]+)\}$/.exec(text);
    if (whole) {
      const v = readPath(root, whole[1]);
      return v === undefined ? null : v;
    }
    return text.replace(/\$\{([^}]+)\}/g, (_m, path) => {
      const v = readPath(root, path);
      if (v === undefined || v === null) return '';
      return typeof v === 'object' ? canonicalJson(v) : String(v);
    });
  }

  async execute(body, tag) {
    const rootValues = this.data;
    let operation = null;
    try {
      operation = getOperationAST(parse(body.query), body.operationName);
    } catch (_e) {
      // graphql() below reports the syntax error
    }
    const operationIsMutation = operation !== null && operation.operation === 'mutation';
    return graphql({
      schema: this.schema,
      source: body.query,
      variableValues: body.variables,
      operationName: body.operationName,
      rootValue: operationIsMutation ? rootValues.Mutation || {} : rootValues.Query || {},
      contextValue: { tag },
      fieldResolver: this.fieldResolver(),
    });
  }
}

function canonicalArg(value) {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value;
  return canonicalJson(value);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, payload) {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// cases: {"<case>": {"subgraphs": {"<name>": {"sdl": ..., "data": {...}}}}}
// Returns {server, failures}: cases whose subgraph schemas did not build are listed,
// not fatal, so one broken case does not hide the others.
function createFixtureServer(cases) {
  const subgraphs = {};
  const failures = {};
  for (const [caseName, spec] of Object.entries(cases)) {
    const state = {};
    for (const [name, sub] of Object.entries(spec.subgraphs)) {
      try {
        subgraphs[`${caseName}/${name}`] = new FixtureSubgraph(caseName, name, sub.sdl, sub.data, state);
      } catch (e) {
        failures[caseName] = `${name}: ${e && e.message}`;
      }
    }
  }
  const counts = {};
  const logs = {};
  const states = Object.values(subgraphs).map((s) => s.state);

  const server = http.createServer(async (req, res) => {
    try {
      const parts = req.url.split('?')[0].split('/').filter(Boolean);
      if (parts[0] === '__reset' && parts.length === 2) {
        counts[parts[1]] = {};
        logs[parts[1]] = [];
        for (const state of states) delete state[parts[1]];
        return send(res, 200, { ok: true });
      }
      if (parts[0] === '__counts' && parts.length === 2) return send(res, 200, counts[parts[1]] || {});
      if (parts[0] === '__log' && parts.length === 2) return send(res, 200, logs[parts[1]] || []);
      if (parts.length !== 3 || req.method !== 'POST') return send(res, 404, { error: 'not found' });
      const [tag, caseName, name] = parts;
      const subgraph = subgraphs[`${caseName}/${name}`];
      if (!subgraph) return send(res, 404, { error: `no subgraph ${caseName}/${name}` });
      const body = JSON.parse(await readBody(req));
      const perCase = ((counts[tag] = counts[tag] || {})[caseName] =
        (counts[tag] || {})[caseName] || {});
      perCase[name] = (perCase[name] || 0) + 1;
      (logs[tag] = logs[tag] || []).push({ case: caseName, subgraph: name, body });
      if (subgraph.data.$unavailable) {
        // A subgraph that is down: counted as a fetch, answered like a failing proxy.
        res.writeHead(503, { 'content-type': 'text/plain' });
        return res.end('service unavailable');
      }
      const result = await subgraph.execute(body, tag);
      return send(res, 200, result);
    } catch (e) {
      return send(res, 500, { errors: [{ message: String(e && e.message) }] });
    }
  });
  return { server, failures };
}

module.exports = { createFixtureServer };
