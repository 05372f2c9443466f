"""DuckDB warehouse: schema migrations, loading, dedup index and queries."""
