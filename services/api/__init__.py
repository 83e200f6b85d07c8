"""HTTP routes: thin handlers that parse, call one store function and return a schema."""
