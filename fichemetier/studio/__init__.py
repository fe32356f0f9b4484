"""The fiche studio: write, check and preview a fiche in the browser, without touching YAML.

`python -m fichemetier.studio [FOLDER]` serves the fiches of one folder on this computer.
One module per job: `app` (pages and routes), `forms` (the form, generated from the
model's JSON Schema, and back), `storage` (YAML round trip, drafts, conflicts, paths kept
inside the folder), `preview` (the one build pipeline in a worker process with a time
limit, pages as pictures), `security` (token, same-origin requests, safe headers).
"""
