"""One repository's store on disk: finding it, the requirements and the layout they
select, the name encodings, the lists of revlogs (fncache, file index), and
``StoreFiles``, which opens its revlogs."""
