"""`peerdesk import`, `export-all` and `import-all` as a script would run them."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.test_cli import run


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    env = {"PEERDESK_DATA_DIR": str(tmp_path_factory.mktemp("office")), "PEERDESK_DB_PASSPHRASE": "cli test passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    return env


def _workplaces(office):
    return {w["name"] for w in json.loads(run(office, "list", "workplaces", "--json").stdout)}


def test_import_previews_problems_by_row_and_commits_only_when_asked(office, tmp_path):
    path = tmp_path / "arbetsplatser.csv"
    path.write_bytes(("Namn;Organisation;Typ\n"
                      "Avdelning Åsa Öberg-huset;Psykiatri Väst;Slutenvård\n"
                      "Avdelning Ny;;Öppenvård\n"
                      "Avdelning Tre;Psykiatri Väst;rymdstation\n").encode("cp1252"))
    before = _workplaces(office)
    checked = run({**office, "PEERDESK_USER": "coordinator"}, "import", "workplaces", str(path))
    assert checked.returncode == 1
    assert "Row 3:" in checked.stdout and "Organisation" in checked.stdout and "Row 4:" in checked.stdout
    assert "Row 2: new" in checked.stdout
    assert "2 rows have problems" in checked.stderr
    refused = run(office, "import", "workplaces", str(path), "--commit")
    assert refused.returncode == 1 and _workplaces(office) == before
    done = run(office, "import", "workplaces", str(path), "--commit", "--skip-bad-rows")
    assert done.returncode == 0, done.stderr
    assert "Imported: 1 new" in done.stdout
    assert _workplaces(office) - before == {"Avdelning Åsa Öberg-huset"}
    again = run(office, "import", "workplaces", str(path), "--commit", "--skip-bad-rows")
    assert again.returncode == 0 and "Row 2: already present, unchanged" in again.stdout
    assert len(_workplaces(office)) == len(before) + 1


def test_import_with_a_column_mapped_by_hand(office, tmp_path):
    path = tmp_path / "chefer.csv"
    path.write_text("Vem;Titel\nBritt Öhman;Avdelningschef\n", encoding="utf-8")
    unmapped = run(office, "import", "managers", str(path))
    assert unmapped.returncode == 1 and "Row 2:" in unmapped.stdout
    mapped = run(office, "import", "managers", str(path), "--map", "Vem=name", "--commit")
    assert mapped.returncode == 0, mapped.stderr
    assert "Britt Öhman" in run(office, "list", "managers").stdout


def test_export_all_then_import_all_into_a_new_database(office, tmp_path):
    archive = tmp_path / "kontoret.zip"
    coordinator = run({**office, "PEERDESK_USER": "coordinator"}, "export-all", "-o", str(archive))
    assert coordinator.returncode == 1 and not archive.exists()
    exported = run(office, "export-all", "-o", str(archive))
    assert exported.returncode == 0, exported.stderr
    assert "NOT encrypted" in exported.stdout
    with zipfile.ZipFile(archive) as zf:
        assert {"schema.json", "README.txt", "peer_supporter.csv", "audit_event.csv"} <= set(zf.namelist())
    fresh = {**office, "PEERDESK_DATA_DIR": str(tmp_path / "new")}
    wrong = run({**fresh, "PEERDESK_USER": "coordinator"}, "import-all", str(archive))
    assert wrong.returncode == 1 and "administrator" in wrong.stderr
    loaded = run(fresh, "import-all", str(archive))
    assert loaded.returncode == 0, loaded.stderr
    assert _workplaces(fresh) == _workplaces(office)
    verified = run(fresh, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    again = run(fresh, "import-all", str(archive))
    assert again.returncode == 1 and "already holds data" in again.stderr


def test_import_of_a_missing_or_damaged_file_says_so(office, tmp_path):
    bad = tmp_path / "trasig.xlsx"
    bad.write_bytes(b"not a workbook")
    for path in (bad, tmp_path / "finns-inte.csv"):
        result = run(office, "import", "people", str(path))
        assert result.returncode == 1 and "cannot be read" in result.stderr and "Traceback" not in result.stderr
