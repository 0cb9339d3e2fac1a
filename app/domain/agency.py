from __future__ import annotations

from dataclasses import dataclass

DEFAULT_POLICY_TEXT = """AUTOMATED LICENSE PLATE READER (ALPR) USE POLICY - SUMMARY

1. ALPR data and images are for official law enforcement use only. Personal use, harassment,
   use based on a protected characteristic, or use that infringes First Amendment rights is prohibited.
2. You may access ALPR data only after completing department-approved training, with your own login.
   Never share your password. Every access is recorded with your name, the date and time, and the purpose.
3. An ALPR alert alone is not grounds for a stop. Visually verify the captured plate (characters, state,
   vehicle) and confirm with NCIC that the record is still outstanding before any enforcement action.
4. Every detection browsing inquiry requires a case/CFS number or a detailed reason.
5. ALPR data is retained only for the period set by law and agency policy and then purged, unless it is
   held as evidence. Data is released only to authorized agencies through the custodian of records.
6. Searches are audited monthly. Misuse may result in discipline.
"""


@dataclass(frozen=True, slots=True)
class AgencyProfile:
    name: str = ""
    ori: str = ""
    address: str = ""
    chief_of_police: str = ""
    alpr_administrator: str = ""
    policy_number: str = ""
    policy_version: str = "1"
    policy_text: str = DEFAULT_POLICY_TEXT

    @property
    def display_name(self) -> str:
        return self.name or "Agency not configured"
