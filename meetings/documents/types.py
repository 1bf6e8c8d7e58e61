"""What a meeting document may be: PDF, office documents, images, recognised by their content.

The extension must name the type the content shows: a program renamed `.pdf` starts with
"MZ", not "%PDF-", and is refused. Office files are recognised inside their ZIP container
(Office Open XML by its folders, OpenDocument by its `mimetype` entry) or by the OLE2
signature of the older formats.
"""

import zipfile
from pathlib import PurePosixPath

PDF = "application/pdf"
# extension: content type
OPEN_XML = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OPEN_XML_FOLDER = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
OPEN_DOCUMENT = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
LEGACY_OFFICE = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}
IMAGES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
EXTENSIONS = ["pdf", *OPEN_XML, *OPEN_DOCUMENT, *LEGACY_OFFICE, *IMAGES]

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}


def extension(name):
    return PurePosixPath(str(name)).suffix.lower().lstrip(".")


def content_type(name, file):
    """The content type of an uploaded file whose content matches its extension, or None.

    `file` is a binary file object (Django's UploadedFile); it is read from the start and rewound.
    """
    ext = extension(name)
    if ext not in EXTENSIONS:
        return None
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        if _matches(ext, head, file):
            return _type_of(ext)
    finally:
        file.seek(0)
    return None


def _type_of(ext):
    if ext == "pdf":
        return PDF
    return {**OPEN_XML, **OPEN_DOCUMENT, **LEGACY_OFFICE, **IMAGES}[ext]


def _matches(ext, head, file):
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext in IMAGE_SIGNATURES:
        return head.startswith(IMAGE_SIGNATURES[ext])
    if ext == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if ext in LEGACY_OFFICE:
        return head.startswith(OLE2)
    if not head.startswith(b"PK\x03\x04"):
        return False
    return _zip_matches(ext, file)


def _zip_matches(ext, file):
    """An Office Open XML or OpenDocument file, read as the ZIP archive it is."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if ext in OPEN_XML:
                folder = OPEN_XML_FOLDER[ext]
                return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
            if "mimetype" not in names or archive.getinfo("mimetype").file_size > 200:
                return False
            return archive.read("mimetype").decode("ascii", "replace").strip() == OPEN_DOCUMENT[ext]
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False
