"""Pseudonyms for the respondents of one export.

Every person gets a random code, new for each export: the same person has the same code on every
instrument of that export (so RKI and DREEM rows join), and a different, unrelated code in the next
export (so two exports cannot be joined). Codes come from a random generator only, never from a
name, an id, a respondent code or the order of anything, and are long enough that two exports
practically never share one (a mistaken join across exports finds nothing).

A person is their consent; a questionnaire without one (an anonymous patient survey) is its role
and respondent code within the round.
"""

from __future__ import annotations

import random

from peerdesk import models as m

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
CODE_LENGTH = 6


class RespondentCodes:
    def __init__(self, rnd: random.Random | None = None) -> None:
        self._rnd = rnd or random.SystemRandom()
        self._codes: dict[tuple, str] = {}
        self._used: set[str] = set()
        self.consent_ids: set[int] = set()  # whose data was written: the export's use of consents

    @staticmethod
    def person(response: m.QuestionnaireResponse) -> tuple:
        if response.consent_id is not None:
            return ("consent", response.consent_id)
        return ("code", str(response.informant_role), (response.respondent_code or "").strip().casefold())

    def code_for(self, response: m.QuestionnaireResponse) -> str:
        if response.consent_id is not None:
            self.consent_ids.add(response.consent_id)
        key = self.person(response)
        if key not in self._codes:
            code = self._new()
            self._codes[key] = code
        return self._codes[key]

    def _new(self) -> str:
        while True:
            code = "R-" + "".join(self._rnd.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._used:
                self._used.add(code)
                return code
