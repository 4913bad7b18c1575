"""The users subgraph: accounts, passwords, access and refresh tokens, the `User` entity."""
