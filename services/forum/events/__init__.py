"""Events: block forums, the national forum and café dates; their programme and series."""
