"""Static files with content-hashed names and gzip copies (whitenoise), collected by `tinhso serve`
(core.serving.collect_static). Where they have not been collected — tests, `tinhso manage runserver` — pages
refer to the plain names, which whitenoise serves from the installed apps."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not collected (yet): the plain name, served from the app's static folder
            return name
