"""Team rows: ``Thomas Vasseur Independent Evaluator thomas.vasseur@gmail.com``.

The page renders a four-column table (Name, Title, Email, Nationality) as one line
with the cell borders gone, so the only anchors are the e-mail address, a trailing
upper-case country name and the vocabulary of evaluator titles. Where those do not
decide, the whole text is kept as the name rather than guessing a split.
"""

from __future__ import annotations

import re

from erc_parse.models import TeamMember, construct

__all__ = ["split_team_row", "TITLE_WORDS"]

# Words that begin a job title on ERC team tables (English, Spanish, French, Portuguese).
TITLE_WORDS = frozenset(
    """
    independent international national regional local senior junior lead principal chief
    team evaluator evaluation evaluators consultant consultants consultor consultora consultante
    expert experts expert(e) specialist specialists adviser advisor advisers advisors
    associate assistant member coordinator manager officer researcher analyst director
    professor dr. evaluador evaluadora evaluatrice évaluateur évaluatrice avaliador avaliadora
    experta experto especialista asesor asesora coordinador coordinadora chef chefe jefe
    consultant(e) leader economist sociologist statistician gender programme program project
    technical deputy head
    """.split()
)

# The local part stops at the first `@`: `\S+@\S+` tried every `@` of a token as the
# split point, quadratic on a long run of them.
_EMAIL = re.compile(r"[^@\s]+@\S+\.\S+")


def split_team_row(row: str, is_country: object = None) -> TeamMember:
    """Split one team row into name, title, e-mail and nationality.

    ``is_country`` (a callable) recognises a trailing upper-case nationality; it is
    passed in so this module stays free of the gazetteer's import cost.
    """
    tokens = row.split()
    email = None
    nationality = None
    for i, tok in enumerate(tokens):
        if _EMAIL.fullmatch(tok):
            email = tok
            tail = " ".join(tokens[i + 1 :])
            tokens = tokens[:i]
            if tail:
                nationality = tail
            break
    else:
        nationality, tokens = _trailing_country(tokens, is_country)
    name, title = _name_and_title(tokens, email)
    return construct(TeamMember, {"name": name, "title": title, "email": email, "nationality": nationality})


# Words of the longest country name: "UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND".
_LONGEST_COUNTRY = 8


def _trailing_country(tokens: list[str], is_country: object) -> tuple[str | None, list[str]]:
    if not callable(is_country):
        return None, tokens
    # Longest upper-case tail that is a country ("SAO TOME AND PRINCIPE" before "PRINCIPE"),
    # leaving at least one word for the name.
    for k in range(min(_LONGEST_COUNTRY, len(tokens) - 1), 0, -1):
        tail = tokens[-k:]
        text = " ".join(tail)
        if text.isupper() and is_country(text):
            return text, tokens[:-k]
    return None, tokens


def _name_and_title(tokens: list[str], email: str | None) -> tuple[str | None, str | None]:
    if not tokens:
        return None, None
    n = len(tokens)
    # "Necamer Libufil Necamer Libufil": the name cell repeated in the title cell.
    if n % 2 == 0 and n >= 4 and tokens[: n // 2] == tokens[n // 2 :]:
        half = " ".join(tokens[: n // 2])
        return half, half
    for i, tok in enumerate(tokens):
        if tok.lower().strip(",;:()") in TITLE_WORDS:
            if i == 0:
                return None, " ".join(tokens)
            return " ".join(tokens[:i]), " ".join(tokens[i:])
    if email:
        # The local part often spells the name: "foruced.kufazejope@..." -> 2 name tokens.
        local = re.split(r"[._\-]", email.split("@", 1)[0].lower())
        k = sum(1 for t in tokens if t.lower() in local)
        if 0 < k < n and all(t.lower() in local for t in tokens[:k]):
            return " ".join(tokens[:k]), " ".join(tokens[k:])
    return " ".join(tokens), None
