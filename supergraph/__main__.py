from supergraph.cli import main

raise SystemExit(main())
