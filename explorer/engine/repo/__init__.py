"""The repository as a whole: ``Store`` to read and check it, ``Repo`` to create and change
it (commits, strip, censor, recover), and the formats ``Repo.init`` writes."""
