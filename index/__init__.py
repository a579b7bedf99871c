"""Meeting-document indexing and search: file → clean document → chunks → tokens → index → passages."""
