"""The command line: the only module that knows about flags. It turns them into a `Config`,
runs the pipeline, and hands the result to a reporter.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings (or files that could not be
read); 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from hygiene import __version__, rules
from hygiene.config import FAIL_ON, Config, ConfigError, load_with_overrides, split_list
from hygiene.escape import log_safe

EXIT_OK, EXIT_USAGE = 0, 2  # 1 (findings) comes from ScanResult.exit_code


class _Failure(Exception):
    """hygiene could not do what was asked, for a reason that is not the user's input."""


FORMATS = ("text", "json", "sarif", "github", "gitlab", "azure", "summary")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with a clear line
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"hygiene: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hygiene",
        description="Check that a repository's dependencies are pinned by version and hash (OpenSSF CLI-1).",
    )
    parser.add_argument("--version", action="version", version=f"hygiene {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    scan = sub.add_parser("scan", help="scan a repository and report findings")
    scan.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="folders or files to scan (default: .)")
    scan.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format (default: text): text, json, sarif (SARIF 2.1.0), github (workflow annotations), "
        "gitlab (Code Quality JSON), azure (Azure Pipelines logging commands), summary (Markdown)",
    )
    scan.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE instead of stdout")
    scan.add_argument(
        "--fail-on", choices=FAIL_ON, default=None, help="lowest severity that makes the exit code 1 (default: error)"
    )
    scan.add_argument("--select", action="append", metavar="RULES", help="only these rule ids or prefixes (comma-separated)")
    scan.add_argument("--ignore", action="append", metavar="RULES", help="skip these rule ids or prefixes (comma-separated)")
    scan.add_argument("--exclude", action="append", metavar="GLOB", help="do not scan paths matching GLOB (repeatable)")
    scan.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: .hygiene.toml or [tool.hygiene] in pyproject.toml)")
    scan.add_argument(
        "--summary",
        type=Path,
        metavar="FILE",
        help="also append the Markdown job summary to FILE (e.g. \"$GITHUB_STEP_SUMMARY\")",
    )
    scan.add_argument("--no-color", action="store_true", help="never colour the text output")

    scan.add_argument("--sbom", type=Path, metavar="FILE", help="also write a CycloneDX SBOM (JSON, spec 1.6) to FILE")
    scan.add_argument("--no-validate", action="store_true", help="write the SBOM without validating it against the CycloneDX schema")
    prov = scan.add_argument_group("provenance (network; needs the `provenance` extra)")
    prov.add_argument("--verify-provenance", action="store_true", help="verify the PEP 740 provenance of every Python file pinned by sha256 (HY401, HY402)")
    prov.add_argument("--index-url", metavar="URL", help="the PEP 691 JSON index to ask (default: PyPI)")
    prov.add_argument("--npm-registry", metavar="URL", help="the npm registry to ask (default: the public one)")
    prov.add_argument("--offline", action="store_true", help="fetch nothing; use cached answers, list what could not be checked under skipped")
    prov.add_argument("--trusted-root", type=Path, metavar="FILE", help="sigstore trusted root (default: the production root the sigstore package ships; never refreshed)")
    prov.add_argument("--staging", action="store_true", help="use sigstore's staging trusted root")
    _tuf_options(prov)

    sbom = sub.add_parser("sbom", help="write a CycloneDX SBOM of every dependency the manifests declare")
    sbom.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="folders or files to scan (default: .)")
    sbom.add_argument("--output", "-o", type=Path, metavar="FILE", default=Path("sbom.cdx.json"), help="where to write it (default: sbom.cdx.json; - for stdout)")
    sbom.add_argument("--spec-version", choices=("1.5", "1.6", "1.7"), default="1.6", help="CycloneDX version (default: 1.6)")
    sbom.add_argument("--output-format", choices=("json", "xml"), default="json", help="default: json")
    dev = sbom.add_mutually_exclusive_group()
    dev.add_argument("--include-dev", dest="include_dev", action="store_true", default=True, help="dev and extra groups with scope optional (default)")
    dev.add_argument("--exclude-dev", dest="include_dev", action="store_false", help="dev and extra groups with scope excluded")
    sbom.add_argument("--reproducible", action="store_true", help="fixed timestamp and a serial number derived from the content (also with SOURCE_DATE_EPOCH)")
    sbom.add_argument("--no-validate", action="store_true", help="skip validating the JSON against the CycloneDX schema (done by default; XML is never validated)")
    sbom.add_argument("--config", type=Path, metavar="FILE", help="configuration file")

    verify = sub.add_parser("verify", help="verify signed material offline (needs the `provenance` extra)")
    verify_sub = verify.add_subparsers(dest="what", metavar="WHAT", required=True)
    vb = verify_sub.add_parser("bundle", help="verify a sigstore bundle for an artifact")
    vb.add_argument("artifact", metavar="ARTIFACT", help="the signed file, or sha256:<hex>")
    vb.add_argument("--bundle", type=Path, metavar="FILE", required=True, help="the sigstore bundle (.sigstore.json, .sigstore)")
    who = vb.add_mutually_exclusive_group(required=True)
    who.add_argument("--cert-identity", metavar="ID", help="the identity the certificate must name (email, URI)")
    who.add_argument("--cert-identity-regexp", metavar="RE", help="a regular expression the whole identity must match")
    vb.add_argument("--cert-oidc-issuer", metavar="URL", required=True, help="the OIDC issuer the certificate must name")
    vb.add_argument("--trusted-root", type=Path, metavar="FILE", help="sigstore trusted root (default: the production root the sigstore package ships)")
    vb.add_argument("--staging", action="store_true", help="sigstore's staging trusted root")
    _tuf_options(vb)

    rules_cmd = sub.add_parser("rules", help="list the rule catalogue")
    rules_cmd.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule", metavar="RULE", help="rule id (HY103) or name (missing-hash)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "scan":
            return _scan(args)
        if args.command == "sbom":
            return _sbom(args)
        if args.command == "verify":
            return _verify(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "explain":
            return _explain(args)
    except ConfigError as exc:
        print(f"hygiene: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except _Failure as exc:
        print(f"hygiene: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _config_for(args: argparse.Namespace, root: Path) -> Config:
    return load_with_overrides(
        root,
        config_file=args.config,
        select=split_list(args.select),
        ignore=split_list(args.ignore),
        exclude=args.exclude or (),
        fail_on=args.fail_on,
        flag="--",
    )


def _scan(args: argparse.Namespace) -> int:
    from hygiene.pipeline import scan, scan_root
    from hygiene.reporters import REPORTERS, ReportContext

    paths = args.paths or [Path(".")]
    for p in paths:
        if not p.exists():
            raise ConfigError(f"{p}: no such file or folder")
    root = scan_root(paths)
    config = _config_for(args, root)
    provenance = None
    if args.verify_provenance:
        from hygiene.checks.provenance import ProvenanceOptions

        if args.trusted_root is not None and not args.trusted_root.is_file():
            raise ConfigError(f"--trusted-root {args.trusted_root}: no such file")
        _check_tuf_options(args)
        provenance = ProvenanceOptions(
            **({"index_url": args.index_url} if args.index_url else {}),
            **({"npm_registry": args.npm_registry} if args.npm_registry else {}),
            offline=args.offline,
            trusted_root=args.trusted_root,
            staging=args.staging,
            tuf_refresh=args.tuf_refresh,
            tuf_url=args.tuf_url,
            tuf_bootstrap=args.tuf_bootstrap,
            trusted_publishers=config.trusted_publishers,
            sigstore_identities=config.sigstore_identities,
        )
    elif (
        args.offline or args.trusted_root is not None or args.staging or args.tuf_refresh or args.tuf_url or args.tuf_bootstrap
        or args.index_url is not None or args.npm_registry is not None
    ):
        raise ConfigError("--index-url, --npm-registry, --offline, --trusted-root, --staging and --tuf-* go with --verify-provenance")
    result = scan(paths, config, sbom=args.sbom is not None, provenance=provenance)
    if args.sbom is not None:
        from hygiene import sbom

        _write(args.sbom, _render_sbom(sbom.build(result), "1.6", "json", validate=not args.no_validate), "--sbom")
    color = (
        args.format == "text"
        and not args.no_color
        and args.output is None
        and "NO_COLOR" not in os.environ
        and sys.stdout.isatty()
    )
    context = ReportContext.for_scan(root, color=color)
    report = REPORTERS[args.format](result, context)
    if args.summary is not None:
        _write(args.summary, REPORTERS["summary"](result, context), "--summary", append=True)
    if args.output is not None:
        _write(args.output, report, "--output")
    else:
        sys.stdout.write(report)
        sys.stdout.flush()
    return result.exit_code(config.fail_on)


def _sbom(args: argparse.Namespace) -> int:
    from hygiene import sbom
    from hygiene.pipeline import scan, scan_root

    paths = args.paths or [Path(".")]
    for p in paths:
        if not p.exists():
            raise ConfigError(f"{p}: no such file or folder")
    root = scan_root(paths)
    config = load_with_overrides(root, config_file=args.config)
    result = scan(paths, config, keep_manifests=True)
    bom = sbom.build(result, include_dev=args.include_dev, reproducible=args.reproducible)
    text = _render_sbom(bom, args.spec_version, args.output_format, validate=not args.no_validate)
    if str(args.output) == "-":
        sys.stdout.write(text)
    else:
        _write(args.output, text, "--output")
    for e in result.errors:
        print(f"hygiene: {e.path}: {e.reason} (not in the SBOM)", file=sys.stderr)
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    """Exit 0 only when the bundle verifies; the reason on stderr otherwise (exit 1)."""
    from hygiene.provenance.verify import VerificationFailed, available, trusted_root

    why = available()
    if why is not None:
        raise ConfigError(why)
    if args.trusted_root is not None and args.staging:
        raise ConfigError("--trusted-root and --staging: give one")
    _check_tuf_options(args)
    from hygiene.provenance.bundles import verify_bundle

    try:
        root_file = args.trusted_root
        if args.tuf_refresh:
            from hygiene.net import Http, default_cache_dir
            from hygiene.provenance.tuf import RefreshUnavailable, refreshed_root

            try:
                root_file = refreshed_root(Http(), default_cache_dir().parent, staging=args.staging, url=args.tuf_url,
                                           bootstrap=args.tuf_bootstrap)
            except RefreshUnavailable as exc:
                print(f"hygiene: --tuf-refresh: {log_safe(str(exc))}; verifying against the shipped trusted root", file=sys.stderr)
        root = trusted_root(root_file, staging=args.staging)
        what = verify_bundle(
            args.artifact,
            args.bundle,
            issuer=args.cert_oidc_issuer,
            identity=args.cert_identity,
            identity_regexp=args.cert_identity_regexp,
            root=root,
        )
    except VerificationFailed as exc:
        print(f"FAIL: {log_safe(args.artifact)}: {log_safe(str(exc))}", file=sys.stderr)
        return 1
    print(f"OK: {log_safe(args.artifact)}: {what}")
    return EXIT_OK


def _tuf_options(group) -> None:
    group.add_argument("--tuf-refresh", action="store_true",
                       help="fetch the trusted root sigstore's TUF repository vouches for now (network) instead of the shipped one")
    group.add_argument("--tuf-url", metavar="URL", help="another instance's TUF repository (with --tuf-refresh)")
    group.add_argument("--tuf-bootstrap", type=Path, metavar="FILE", help="the initial root.json of that repository")


def _check_tuf_options(args: argparse.Namespace) -> None:
    if (args.tuf_url or args.tuf_bootstrap) and not args.tuf_refresh:
        raise ConfigError("--tuf-url and --tuf-bootstrap go with --tuf-refresh")
    if args.tuf_refresh and args.trusted_root is not None:
        raise ConfigError("--trusted-root and --tuf-refresh: give one")
    if args.tuf_url is not None and not args.tuf_url.startswith(("https://", "http://")):
        raise ConfigError(f"--tuf-url {args.tuf_url}: not an http(s) URL")


def _render_sbom(bom, spec_version: str, output_format: str, *, validate: bool) -> str:
    from hygiene import sbom

    try:
        return sbom.render(bom, spec_version, output_format, validate=validate)
    except sbom.SbomInvalid as exc:
        raise _Failure(
            f"the SBOM does not conform to the CycloneDX {spec_version} schema, so it was not written: {exc}."
            " This is a bug in hygiene; please report it (--no-validate writes it anyway)."
        ) from None


def _write(path: Path, text: str, flag: str, *, append: bool = False) -> None:
    try:
        with open(path, "a" if append else "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        raise ConfigError(f"{flag} {path}: {exc.strerror or exc}") from None


def _rules(args: argparse.Namespace) -> int:
    if args.format == "json":
        data = [
            {
                "id": r.id,
                "name": r.name,
                "principle": r.principle,
                "level": r.level,
                "severity": r.severity.value,
                "summary": r.summary,
                "hint": r.hint,
            }
            for r in rules.CATALOGUE.values()
        ]
        print(json.dumps(data, indent=2))
        return EXIT_OK
    if args.format == "markdown":
        sys.stdout.write(rules.markdown_table())
        return EXIT_OK
    width = max(len(r.name) for r in rules.CATALOGUE.values())
    for r in rules.CATALOGUE.values():
        print(f"{r.id}  {r.name:<{width}}  {r.principle:<7}  {r.severity.value:<7}  {r.summary}")
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    found = rules.matching(args.rule)
    if len(found) != 1:
        print(f"hygiene: error: unknown rule {args.rule!r} (see `hygiene rules`)", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(found[0].documentation)
    return EXIT_OK
