from subgraphs.platform.cli import main

raise SystemExit(main())
