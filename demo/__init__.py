"""Demo data, the NRW-wide generator and the benchmark helpers.

On top of every domain app and imported by none of them (only `bench/run.py` and the tests use it): each module
seeds one app's demo data (`demo.buendnis`, `demo.angebote`, `demo.bedarf`, `demo.foerderung`, `demo.berichte`),
`demo.scale` builds the NRW-wide data set, `demo.bench` holds what `make bench` measures with, and `demo/data/`
the literals (names, offer texts, shares) as files. `manage.py demo_data` loads it all.
"""
