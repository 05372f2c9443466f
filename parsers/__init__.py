"""Pure parsers: bytes or str in, records out. No I/O, no Prefect, no database."""
