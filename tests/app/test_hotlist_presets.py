"""The state/agency presets of DOMAIN.md on example files written by the team, junk rows included.

Every example holds good rows, zero-for-O codes, a placeholder plate and junk; each test checks
the records, their categories (the list's type codes mapped) and the rejected lines by number.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app.domain.hotlists import parse_hotlist, preset, preset_settings

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 2)

CA_CLEW = b"""DATE11/01/2026 22:00
7ABC123 CA1920261015
8XYZ99  CA3720261020
000     CA1920261021
6Q\x00R555 CA1920261022
4MNO321 0R0120261023
TOTAL RECORD 0000005
"""

TX_NCIC = b"""V123456789,TX0000001,20261001,ABC1234,TX,2027,2019,FORD,F15,PK,BLK
W223456789,TX0000002,20261002,DEF5678,TX,2027,2018,CHEV,TAH,SU,WHI
P323456789,TX0000003,20261003,00,TX,2027,,,,,
V423456789,TX0000004,20261004,GHI#9012,TX,2027,2017,TOYT,CAM,4D,GRY
L523456789,TX0000005,20261005,JKL3456,TX,2027,2016,D0DG,RAM,PK,RED
V623456789,TX0000006
"""

TX_TCIC = b"""TV12345678,BCD1234,TX,2019,HOND,CIV,4D,BLU
TT22345678,CDE2345,TX,2020,FORD,F15,PK,BLK
TY32345678,EFG3456,TX,2018,NISS,ALT,4D,WHI
TO42345678,"FGH4567,TX,2017,KIA,SOU,SU,GRY
TX52345678,GHI5678,TX,2016,JEEP,WRA,SU,GRN
TE62345678,=cmd|' /C calc'!A0,TX,2015,BMW,X5,SU,BLK
"""

FL_FCIC = (
    b"STOLEN LICENSE PLATE;FL0130000;MIAMI-DADE PD;26-001122;A1;P1;P123456789;10/01/2026;12/31/2027;ABC123;2027;FL;PC;20261001T101500\n"
    b"STOLEN VEHICLE;FL0130000;MIAMI-DADE PD;26-001123;A2;P2;V123456789;10/02/2026;;XYZ789;2026;FL;PC;20261002T101500\n"
    b"WANTED PERSON;FL0130000;MIAMI-DADE PD;26-001124;A3;P3;W123456789;10/03/2026;;LMN456;2026;F1;PC;20261003T101500\n"
    b"MISSING PERSON;FL0130000;MIAMI-DADE PD;26-001125;A4;P4;M123456789;10/04/2026;;QRS852;2026;FL;PC;20261004T101500\n"
    b"STOLEN VEHICLE;FL0130000;MIAMI-DADE PD;26-001126;A5;P5;V223456789;10/05/2026;01/01/2020;OLD111;2020;FL;PC;20261005T101500\n"
    b"NEW LIST TYPE;FL0130000;MIAMI-DADE PD;26-001127;A6;P6;Q123456789;10/06/2026;;NEW222;2026;FL;PC;20261006T101500\n"
)

NY_STATE = b"""ABC1234   NYPASVHOND BLK
DEF5678   NYPASXFORD WHI
GHI9012   NJTRKRMACK RED
JKL3456   NYPASZT0YT GRY
MN\x1bO7890  NYPASVCHEVBLU
PQR1234   NYP
"""

CO_CCIC = b"""ABC1234   COAttempt To Locate             2015 SUBARU OUTBACK GRN
DEF5678   COFelony Warrant                2019 TOYOTA TACOMA WHI
GHI9012   C0Stolen Vehicle                2012 HONDA ACCORD SIL
000       COStolen Vehicle                unknown
JKL 3456  COFelony Warrant                2020 FORD F150 BLK
MNO\xef\xbf\xbd789   COStolen Vehicle                2018 KIA SOUL RED
"""

MN_NCIC = b"""TYPE,PLATE,STATE,NIC,ORI,ENTRY_DATE,VYR,VMA,VMO,VCO,EXPIRY
L,ABC123,MN,L123456789,MN0270000,20261001,2015,FORD,FUS,BLK,20271231
T,DEF456,MN,T123456789,MN0270000,20261002,2016,CHEV,MAL,WHI,
N,GHI789,KS,N123456789,KS0870000,20261003,2017,HOND,ACC,GRY,
V,JKL012,MN,V123456789,MN0270000,20261004,2018,TOYT,COR,BLU,20200101
V,MNO345,MN,V223456789,MN0270000,20261005,2019,NISS,ALT,RED,notadate
"""

IL_LEADS = b"""660JEM  WIPCSTOLEN VYR/05 VMA/DODG VMO/MAG VST/4D VCO/RED DOT/010315
A12345  ILPCSTOLEN PLATE VYR/19 VMA/HOND VCO/BLK DOT/101526
B54321  ILPCWARRANT VYR/18 VMA/F0RD VCO/WHI
C6789
D24680  ILPCSTOLEN VYR/17 VMA/T\xc3\xb8YT VCO/GRY
"""

OH_LEADS = b"""ABC1234 0H STOLEN VEHICLE 20271231
DEF5678 OH STOLEN PLATE 20271231
GHI9012 OH FELONY WARRANT 20271231
JKL3456 OH STOLEN VEHICLE 20200101
MNO7890 OH
PQR1234 OH STOLEN VEHICLE 2027123
"""

WA_NCIC = b"""01V123456789WA034015520261001ABC1234   WA2027PC2019FORDF154DBLK
02P223456789WA034015520261002DEF5678   WA2027PC
03W323456789WA034015520261003GHI9012   0R2027PC2018T0YTCAM4DGRY
04V423456789WA0340155
05X523456789WA034015520261005JKL/3456  WA2027PC
"""

DMV = b"""PLATE,STATE,REASON,EXPIRY
ABC123,FL,EXPIRED TAG,12/31/2027
DEF456,IN,SUSPENDED OWNER,12/31/2027
GHI789,NJ,HABITUAL VIOLATOR,12/31/2027
JKL012,GA,REVOKED OWNER,
MNO345,GA,@SUM(1+1),12/31/2027
"""


def _parse(name: str, data: bytes, **settings):
    return parse_hotlist(data, preset(name), preset_settings(name, max_bad_row_fraction=0.5, **settings), as_of=AS_OF)


def _rejected(outcome) -> list[tuple[int, str]]:
    return [(i.line_no, i.reason.value) for i in outcome.rejected]


def _by_plate(outcome) -> dict:
    return {r.plate: r for r in outcome.records}


def test_ca_clew():
    out = _parse("ca_clew", CA_CLEW)
    assert out.accepted and out.footer_count == 5 and str(out.extract_time) == "2026-11-01 22:00:00"
    recs = _by_plate(out)
    assert set(recs) == {"7ABC123", "8XYZ99", "4MNO321"}
    assert recs["7ABC123"].category == "stolen_vehicle" and recs["7ABC123"].entry_date == date(2026, 10, 15)
    assert recs["4MNO321"].state == "OR"  # zero-for-O repaired in the state code
    assert _rejected(out) == [(5, "control_characters")]
    assert [(s.line_no, s.reason.value) for s in out.skipped] == [(4, "skip_list")]


def test_tx_ncic():
    out = _parse("tx_ncic", TX_NCIC)
    recs = _by_plate(out)
    assert set(recs) == {"ABC1234", "DEF5678", "JKL3456"}
    assert (recs["DEF5678"].category, recs["DEF5678"].priority) == ("wanted_person", 2)
    assert recs["JKL3456"].category == "violent_person" and recs["JKL3456"].vehicle_make == "DODG"
    assert _rejected(out) == [(4, "plate_invalid_chars"), (6, "missing_columns")]


def test_tx_tcic_type_is_the_second_character():
    out = _parse("tx_tcic", TX_TCIC)
    recs = _by_plate(out)
    # T here is a threat against a peace officer (not the NCIC gang/terrorist letter): not covert
    assert (recs["CDE2345"].category, recs["CDE2345"].covert) == ("violent_person", False)
    assert recs["BCD1234"].category == "stolen_vehicle" and recs["GHI5678"].category == "sex_offender"
    assert recs["EFG3456"].record_type == "Y"
    assert _rejected(out) == [(4, "bad_quoting"), (6, "formula")]


def test_fl_fcic_words_become_codes():
    out = _parse("fl_fcic", FL_FCIC)
    recs = _by_plate(out)
    assert (recs["ABC123"].record_type, recs["ABC123"].category, recs["ABC123"].oca) == ("P", "stolen_plate", "26-001122")
    assert recs["QRS852"].category == "missing_person" and recs["ABC123"].expiry == date(2027, 12, 31)
    assert recs["NEW222"].category == "unknown" and recs["NEW222"].record_type is None  # reported, not cut
    assert [(w.line_no, w.reason.value) for w in out.warnings] == [(6, "unknown_record_type")]
    assert _rejected(out) == [(3, "invalid_state")]
    assert [(s.line_no, s.reason.value) for s in out.skipped] == [(5, "expired")]


def test_ny_state():
    out = _parse("ny_state", NY_STATE)
    recs = _by_plate(out)
    assert set(recs) == {"ABC1234", "DEF5678", "GHI9012", "JKL3456"}
    assert recs["DEF5678"].category == "administrative"  # X: suspended registration
    assert recs["GHI9012"].category == "stolen_plate" and recs["GHI9012"].record_type == "R"
    assert recs["JKL3456"].vehicle_make == "TOYT"  # zero-for-O repaired in an alphabetic code
    assert _rejected(out) == [(5, "control_characters"), (6, "line_too_short")]


def test_co_ccic_list_text():
    out = _parse("co_ccic", CO_CCIC)
    recs = _by_plate(out)
    assert recs["ABC1234"].category == "felony_vehicle" and recs["DEF5678"].category == "wanted_person"
    assert recs["GHI9012"].state == "CO" and recs["JKL3456"].plate_raw == "JKL 3456"
    assert [(w.line_no, w.reason.value) for w in out.warnings] == [(5, "plate_normalised")]
    assert _rejected(out) == [(6, "invalid_encoding")]


def test_mn_ncic_letters():
    out = _parse("mn_ncic", MN_NCIC)
    recs = _by_plate(out)
    assert recs["ABC123"].category == "violent_person"
    assert recs["DEF456"].category == "gang_terrorist" and recs["DEF456"].covert
    assert recs["GHI789"].category == "immigration_violator" and recs["GHI789"].state == "KS"
    assert [(s.line_no, s.reason.value) for s in out.skipped] == [(5, "expired")]
    assert [(w.line_no, w.reason.value) for w in out.warnings] == [(6, "invalid_date")]


def test_il_leads_prefix_and_tags():
    out = _parse("il_leads", IL_LEADS)
    recs = _by_plate(out)
    r = recs["660JEM"]
    assert (r.state, r.lic_type, r.category, r.vehicle_make, r.vehicle_style, r.entry_date) == (
        "WI", "PC", "stolen_vehicle", "DODG", "4D", date(2015, 1, 3))
    assert recs["A12345"].category == "stolen_plate" and recs["B54321"].category == "wanted_person"
    assert recs["B54321"].vehicle_make == "FORD"
    assert _rejected(out) == [(4, "line_too_short"), (5, "invalid_code")]  # TØYT is no make code


def test_oh_leads_words_and_expiry():
    out = _parse("oh_leads", OH_LEADS)
    recs = _by_plate(out)
    assert recs["ABC1234"].state == "OH" and recs["ABC1234"].category == "stolen_vehicle"
    assert recs["ABC1234"].expiry == date(2027, 12, 31) and recs["GHI9012"].category == "wanted_person"
    assert [(s.line_no, s.reason.value) for s in out.skipped] == [(4, "expired")]
    assert _rejected(out) == [(5, "no_fields"), (6, "no_fields")]


def test_wa_ncic_shifted_record():
    out = _parse("wa_ncic", WA_NCIC)
    recs = _by_plate(out)
    assert recs["ABC1234"].nic == "V123456789" and recs["ABC1234"].category == "stolen_vehicle"
    assert recs["GHI9012"].state == "OR" and recs["DEF5678"].category == "stolen_plate"
    assert _rejected(out) == [(4, "line_too_short"), (5, "plate_invalid_chars")]


def test_dmv_lists():
    out = _parse("dmv_csv", DMV)
    recs = _by_plate(out)
    assert {r.category for r in recs.values()} == {"administrative"}
    assert recs["GHI789"].record_type == "DH" and recs["GHI789"].priority == 8
    assert _rejected(out) == [(6, "formula")]


def test_cli_check_prints_rejects_and_a_sample(tmp_path):
    f = tmp_path / "tx.csv"
    f.write_bytes(TX_NCIC)
    done = subprocess.run([sys.executable, "main.py", "admin", "hotlist", "check", "--preset", "tx_ncic", str(f),
                           "--max-bad-fraction", "0.5"], cwd=REPO, capture_output=True, text=True, timeout=120)
    lines = [json.loads(x) for x in done.stdout.splitlines()]
    assert done.returncode == 0, done.stderr
    assert {"rejected": 4, "reason": "plate_invalid_chars"}.items() <= lines[0].items()
    assert any("record" in x and x["record"]["plate"] == "ABC1234" for x in lines)
    assert lines[-1]["accepted"] and lines[-1]["records"] == 3 and lines[-1]["rejected"] == 2


@pytest.mark.parametrize("name", ["ca_clew", "tx_ncic", "tx_tcic", "fl_fcic", "ny_state", "co_ccic", "mn_ncic",
                                  "il_leads", "oh_leads", "wa_ncic"])
def test_every_named_preset_exists(name):
    assert preset(name) is not None


def test_cli_import_runs_the_guarded_import_headless(ctx, tmp_path):
    import argparse
    import io
    from types import SimpleNamespace

    from app import cli_hotlist
    from app.domain.hotlist_admin import SourceKind
    from app.domain.users import Actor
    from app.services.hotlist_index import HotListIndexHolder
    from app.services.hotlists import HotListService

    services = SimpleNamespace(hotlists=HotListService(ctx, HotListIndexHolder(ctx)))
    actor = Actor.system(ctx.workstation, "cli:test")
    f = tmp_path / "tx.csv"
    f.write_bytes(TX_NCIC)
    services.hotlists.add_source(actor, "Texas NCIC", SourceKind.STATE, "tx_ncic", str(f),
                                 settings=preset_settings("tx_ncic", max_bad_row_fraction=0.5))
    out = io.StringIO()
    args = argparse.Namespace(source="Texas NCIC", file=None, confirm_shrink=False)
    assert cli_hotlist.run_import(args, services, actor, out=out) == 0
    summary = json.loads(out.getvalue().splitlines()[-1])
    assert summary["accepted"] and summary["imported"] == 3 and summary["rejected"] == 2
    assert "line 4: plate_invalid_chars" in out.getvalue()
    assert cli_hotlist.run_import(argparse.Namespace(source="nope", file=None, confirm_shrink=False), services,
                                  actor, out=out) == 2
