"""Check a commit message: a subject under 72 characters, then a blank line before any detail.

Used as the commit-msg hook (.pre-commit-config.yaml): ``check_commit_message.py <message file>``
exits 1 and says why when the message breaks a rule. Lines git strips (comments starting with
"#", and everything below the "------------------------ >8 ------------------------" line of
``git commit --verbose``) are ignored.
"""

import sys
from pathlib import Path

MAX_SUBJECT = 71  # "under 72 characters"
SCISSORS = "# ------------------------ >8 ------------------------"


def problems(message: str) -> list[str]:
    lines = [line.rstrip() for line in message.split(SCISSORS, 1)[0].splitlines() if not line.startswith("#")]
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        return []  # git itself refuses an empty message
    found = []
    subject = lines[0]
    if len(subject) > MAX_SUBJECT:
        found.append(
            f"The subject is {len(subject)} characters; keep it under {MAX_SUBJECT + 1} "
            "and put the detail in the body, after a blank line."
        )
    if len(lines) > 1 and lines[1]:
        found.append("Leave a blank line between the subject and the body.")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} <commit message file>", file=sys.stderr)
        return 2
    found = problems(Path(argv[1]).read_text(encoding="utf-8"))
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
