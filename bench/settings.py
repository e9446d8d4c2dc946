"""Production settings plus one benchmark-only URL (/bench/bare). Never used outside bench/.

Selected with DJANGO_SETTINGS_MODULE=bench.settings and PYTHONPATH set to the project root.
"""

from riposte.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
