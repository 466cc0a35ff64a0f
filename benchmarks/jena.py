"""Apache Jena's ``shacl validate`` as Debian ships it (libapache-jena-java), for the benchmark and the tests.

Debian installs the jars in /usr/share/java but no ``shacl`` script, and its jena-core relocated the shaded
Xerces classes without their message resources, so every XSD datatype fails at start. The workaround (see
/work/shared/design/validators.md): copy those resources out of jena-core.jar into a directory put first on
the class path, and name one SLF4J binding only. tests/integration/test_jena.py runs Jena through this module.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

JARS = Path("/usr/share/java")
#: Jena 4.5 and what it needs, as Debian ships them (one SLF4J binding: two make SLF4J refuse to start).
CLASSPATH = (
    "jena-arq",
    "jena-base",
    "jena-cmds",
    "jena-core",
    "jena-dboe-base",
    "jena-dboe-index",
    "jena-dboe-storage",
    "jena-dboe-trans-data",
    "jena-dboe-transaction",
    "jena-iri",
    "jena-shacl",
    "jena-tdb",
    "jena-tdb2",
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "jackson-annotations",
    "jackson-core",
    "jackson-databind",
    "jsonld-java",
    "protobuf",
    "thrift",
    "titanium-json-ld",
    "jakarta.json-api",
    "slf4j-api",
    "slf4j-nop",
)
#: where the shaded Xerces classes look for their resources, inside jena-core.jar
_XERCES = "org/apache/jena/ext/xerces/"
_XERCES_PARTS = ("impl/msg/", "impl/xpath/regex/")


def missing() -> list[str]:
    """The jars of :data:`CLASSPATH` that are not installed (empty when Jena can run)."""
    return [name for name in CLASSPATH if not (JARS / f"{name}.jar").is_file()]


def version() -> str | None:
    """Jena's version (``4.5.0``), from the Maven properties inside jena-shacl.jar."""
    try:
        with zipfile.ZipFile(JARS / "jena-shacl.jar") as jar:
            properties = jar.read("META-INF/maven/org.apache.jena/jena-shacl/pom.properties").decode()
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    found = re.search(r"^version=(.+)$", properties, re.M)
    return found.group(1).strip() if found else None


def command(workdir: Path) -> list[str]:
    """The ``java … shacl.shacl validate`` command; the Xerces resources are copied under ``workdir``.

    Raises ``FileNotFoundError`` naming the missing jars when Jena is not installed.
    """
    absent = missing()
    if absent:
        raise FileNotFoundError(f"Apache Jena is not installed (libapache-jena-java): no {', '.join(absent)}")
    resources_dir = workdir / "jena-xerces"
    with zipfile.ZipFile(JARS / "jena-core.jar") as jar:
        for name in jar.namelist():
            for part in _XERCES_PARTS:
                prefix = _XERCES + part
                if name.startswith(prefix) and not name.endswith("/"):
                    target = resources_dir / "xerces" / part / name[len(prefix) :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    classpath = ":".join([str(resources_dir), *(str(JARS / f"{name}.jar") for name in CLASSPATH)])
    return ["java", "-cp", classpath, "shacl.shacl", "validate"]


def validate_command(base: list[str], shapes: Path, data: Path) -> list[str]:
    """The command validating ``data`` against ``shapes``; it writes the report as Turtle on stdout and
    exits 0 whether or not the data conforms."""
    return [*base, "--shapes", str(shapes), "--data", str(data)]
