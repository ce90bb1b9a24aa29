"""Storage: SQLModel tables, the session helper, migrations and the queries over them."""
