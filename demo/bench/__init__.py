"""Library code of `make bench` (`bench/run.py` is the entry script): measuring pages, the suppression benchmark."""
