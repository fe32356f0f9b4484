"""Run by the system Python that has Grammalecte (Debian's python3-grammalecte), not by
the project's venv: paragraphs (JSON list) on stdin, their grammar findings (JSON) out.
See tests/test_grammalecte.py."""

import json
import sys

import grammalecte

checker = grammalecte.GrammarChecker("fr")
engine = checker.getGCEngine()
findings = []
for paragraph in json.load(sys.stdin):
    errors, _ = checker.getParagraphErrors(paragraph, bContext=True)
    for error in errors:
        findings.append(
            {
                "type": error["sType"],
                "rule": error["sRuleId"],
                "message": error["sMessage"],
                "text": paragraph[error["nStart"] : error["nEnd"]],
                "context": paragraph[max(0, error["nStart"] - 30) : error["nEnd"] + 30],
                "suggestions": error["aSuggestions"][:3],
            }
        )
json.dump(findings, sys.stdout, ensure_ascii=False, indent=1)
