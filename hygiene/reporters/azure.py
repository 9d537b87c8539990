"""Azure Pipelines logging commands: `##vso[task.logissue type=error;sourcepath=…;linenumber=…;
code=HY103;]message`, which the pipeline shows as errors and warnings on the run. Azure has no
notice level, so notes are plain log lines, escaped
as the text report is (`hygiene.escape.log_safe`). Values from scanned files use
azure-pipelines-task-lib's escaping, so they can never start a command of their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hygiene import rules
from hygiene.escape import azure_data, azure_property, log_safe
from hygiene.model import Severity
from hygiene.reporters.base import ReportContext, by_severity, severity

if TYPE_CHECKING:
    from hygiene.pipeline import ScanResult


def logissue(kind: str, message: str, *, path: str, line: int = 0, code: str = "") -> str:
    props = [f"type={kind}", f"sourcepath={azure_property(path)}"]
    if line:
        props.append(f"linenumber={line}")
    if code:
        props.append(f"code={azure_property(code)}")
    return f"##vso[task.logissue {';'.join(props)};]{azure_data(message)}"


def render(result: ScanResult, context: ReportContext) -> str:
    lines = [
        logissue("error", f"not checked: {e.reason}", path=context.repo_path(e.path), line=e.line or 0, code="hygiene")
        for e in result.errors
    ]
    for f in by_severity(result.findings):
        rule = rules.get(f.rule)
        path = context.repo_path(f.location.path)
        text = f"{rule.id} {rule.name}: {f.message.rstrip('.')}. Fix: {f.hint or rule.hint}"
        sev = severity(f)
        if sev is Severity.NOTE:
            # A plain line, which the agent does not decode: escaped as the text report is.
            lines.append(log_safe(f"{path}:{f.location.line}: note: {text}"))
        else:
            lines.append(logissue(sev.value, text, path=path, line=f.location.line, code=rule.id))
    return "".join(line + "\n" for line in lines)
