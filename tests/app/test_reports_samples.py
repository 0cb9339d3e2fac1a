"""Sample inputs for the report tests (imported by the other test_reports_* modules)."""

from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw

from app.services.reports.inputs import (
    AgencyProfile,
    AuditDone,
    AuditMemoInput,
    ConfirmationStep,
    DataError,
    Disposition,
    EvidenceHold,
    EvidenceItem,
    EvidencePackageInput,
    FileHash,
    GeneratedBy,
    HitReadDetails,
    HitReportInput,
    HotListEntrySnapshot,
    KeptItem,
    LabeledCount,
    PurgeCount,
    PurgeCutoff,
    PurgeReportInput,
    PurgeSummary,
    ReleaseApproval,
    ReleasedRecord,
    ReleasePacketInput,
    ReleaseRequest,
    ReleaseSummary,
    Requester,
    RetentionRule,
    SampledInquiry,
    TransparencyInput,
    UsageReportInput,
    UserSearchCount,
    VisualVerification,
)

TZ = ZoneInfo("America/Chicago")
T0 = datetime(2026, 3, 4, 9, 15, 2, tzinfo=TZ)
PLATES = ("7ABC123", "XYZ9876", "4GHJ552", "8KLM310", "2PQR771")
CHIEF = "Diane M. Castillo"


def jpeg(width: int, height: int, text: str = "", plate: bool = False) -> bytes:
    """A small synthetic JPEG (a plate or a street scene)."""
    img = Image.new("RGB", (width, height), (245, 245, 240) if plate else (90, 100, 110))
    draw = ImageDraw.Draw(img)
    if plate:
        draw.rectangle([2, 2, width - 3, height - 3], outline=(20, 40, 120), width=3)
        draw.text((width // 4, height // 3), text, fill=(20, 40, 120))
    else:
        draw.rectangle([0, int(height * 0.6), width, height], fill=(60, 60, 60))
        draw.rectangle([width // 3, height // 3, 2 * width // 3, int(height * 0.75)], fill=(170, 30, 30))
        draw.rectangle(
            [int(width * 0.45), int(height * 0.62), int(width * 0.55), int(height * 0.7)], fill="white"
        )
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def profile() -> AgencyProfile:
    return AgencyProfile(
        name="North Liberty Police Department",
        ori="IA0520400",
        address_lines=("3 Quail Creek Circle", "North Liberty, IA 52317"),
        chief_of_police=CHIEF,
        alpr_administrator="Lt. Marcus Webb",
        policy_number="433",
        phone="(319) 626-5724",
        administrator_title="Administration Lieutenant",
    )


def generated() -> GeneratedBy:
    return GeneratedBy(user="rclerk.jones", at=T0 + timedelta(days=2, hours=5))


def hit() -> HitReportInput:
    steps = (
        ConfirmationStep(T0 + timedelta(seconds=40), "disp.kim", "NCIC query", "Record still outstanding"),
        ConfirmationStep(
            T0 + timedelta(seconds=75), "disp.kim", "YQ sent", "Priority U (10 min), RNO 1, to CA0130000"
        ),
        ConfirmationStep(
            T0 + timedelta(minutes=6), "disp.kim", "YR received", "Confirmed <still stolen> & active"
        ),
        ConfirmationStep(
            T0 + timedelta(minutes=7), "disp.kim", "Instructions relayed", "Units told: probable cause only"
        ),
        ConfirmationStep(T0 + timedelta(minutes=8), "disp.kim", "Units dispatched", "Units 2A14, 2A17"),
    )
    return HitReportInput(
        hit_id="H-1042",
        status="Closed",
        match_kind="Exact",
        claimed_by="disp.kim",
        read=HitReadDetails(
            read_id="R-88412",
            plate=PLATES[0],
            state="IA",
            confidence=0.94,
            read_at=T0,
            camera_name="Hwy 965 NB",
            camera_location="Hwy 965 at Penn St",
            direction="Northbound",
            vehicle_colour="Red",
            vehicle_type="Sedan",
            vehicle_make="Honda",
        ),
        entry=HotListEntrySnapshot(
            plate=PLATES[0],
            state="IA",
            hit_type="Stolen vehicle",
            priority=4,
            source="NCIC extract (IA DPS)",
            list_date=T0 - timedelta(hours=7),
            nic="V123456789",
            ori="CA0130000",
            oca="24-00311",
            plate_type="PC",
            plate_year="2026",
            vehicle_year="2019",
            vehicle_make="HOND",
            vehicle_model="CIV",
            vehicle_colour="RED",
            instructions="Stop only with probable cause; identify occupants.",
        ),
        plate_crop=jpeg(240, 80, PLATES[0], plate=True),
        overview_image=jpeg(640, 360),
        verification=VisualVerification(
            True, "disp.kim", T0 + timedelta(seconds=20), "Characters and state match"
        ),
        steps=steps,
        disposition=Disposition(
            "Vehicle recovered",
            "disp.kim",
            T0 + timedelta(minutes=40),
            "Driver detained; vehicle towed.",
            agency_notified_at=T0 + timedelta(minutes=55),
            notification_method="Nlets message",
        ),
    )


def purge() -> PurgeReportInput:
    start = datetime(2026, 4, 5, 2, 0, 0, tzinfo=TZ)
    cutoff = start - timedelta(days=30)
    counts = tuple(
        PurgeCount(
            day=(cutoff - timedelta(days=d)).date(),
            camera=cam,
            reads=5800 - 37 * d - i * 11,
            hits=3 + d % 2,
            images=2 * (5800 - 37 * d),
        )
        for d in range(3)
        for i, cam in enumerate(("Hwy 965 NB", "Hwy 965 SB", "Penn St EB"))
    )
    kept = (
        KeptItem(
            "R-77001", "Read", "Hwy 965 NB", cutoff - timedelta(days=1), "Evidence hold", "Case 26-00112"
        ),
        KeptItem(
            "R-77002", "Read", "Hwy 965 SB", cutoff - timedelta(days=2), "Evidence hold", "Case 26-00112"
        ),
        KeptItem("H-0998", "Hit", "Penn St EB", cutoff - timedelta(days=1), "Open hit", "Hit H-0998"),
    )
    return PurgeReportInput(
        run_id="P-20260405-01",
        started_at=start,
        finished_at=start + timedelta(seconds=41.3),
        run_by="system (scheduled daily purge)",
        trigger="Scheduled",
        host="DISPATCH-WS1",
        outcome="Completed",
        cutoffs=(
            PurgeCutoff("Reads", 30, cutoff),
            PurgeCutoff("Hit records", 30, cutoff),
            PurgeCutoff("Images", 30, cutoff),
        ),
        counts=counts,
        kept=kept,
    )


def audit(sample: int = 10) -> AuditMemoInput:
    inquiries = tuple(
        SampledInquiry(
            inquiry_id=f"Q-{310 + i}",
            user=("inv.garcia", "ofc.lee", "sgt.brown")[i % 3],
            at=datetime(2026, 2, 1 + i, 10 + i % 6, 5 * i % 60, tzinfo=TZ),
            terms=f"plate={PLATES[i % 5][:4]}*",
            reason="Burglary investigation, suspect vehicle",
            case_number=f"26-00{100 + i}" if i % 4 else "",
            on_behalf_of="Coralville PD" if i == 3 else "",
            result_count=i * 3,
            compliant=(i != 6),
            notes="Reason too vague; no case number" if i == 6 else "",
        )
        for i in range(sample)
    )
    return AuditMemoInput(
        audit_id="A-2026-02",
        memo_date=date(2026, 3, 3),
        auditor="Lt. Marcus Webb",
        auditor_title="Administration Lieutenant",
        period_start=date(2026, 2, 1),
        period_end=date(2026, 2, 28),
        population_size=137,
        seed=2026022801,
        inquiries=inquiries,
        data_errors=(
            DataError(
                "Camera Penn St EB clock 4 min slow",
                "Camera CAM-03",
                "NTP re-enabled on the camera",
                "Corrected",
            ),
        ),
        summary="One inquiry of ten lacked an adequate reason; the user was counselled and retrained.",
    )


def release() -> ReleasePacketInput:
    request = ReleaseRequest(
        request_id="RR-0007",
        received_at=T0,
        entered_by="rclerk.jones",
        requester=Requester(
            agency="Coralville Police Department",
            ori="IA0520300",
            name="Det. Alex Novak",
            title="Detective",
            contact="anovak@coralville.example / (319) 555-0142",
            address_lines=("1503 5th St", "Coralville, IA 52241"),
        ),
        case_number="CPD-26-0451",
        purpose="Locate vehicle of a robbery suspect",
        legal_basis="Official law enforcement purpose (policy 433.7)",
        request_reference="Letter of 2026-03-03",
        scope_plates=(PLATES[1],),
        scope_start=T0 - timedelta(days=10),
        scope_end=T0,
        scope_cameras=("Hwy 965 NB",),
    )
    records = tuple(
        ReleasedRecord(
            f"R-9{i:04d}",
            "Read",
            PLATES[1],
            "IA",
            "Hwy 965 NB",
            T0 - timedelta(days=i, hours=3),
            jpeg(320, 180),
        )
        for i in range(4)
    )
    manifest = (
        FileHash("reads.csv", "a" * 64, 2048),
        FileHash("reads.json", "b" * 64, 4096),
        *(FileHash(f"images/{r.item_ref}.jpg", f"{i:x}" * 64, 18_000 + i) for i, r in enumerate(records)),
    )
    return ReleasePacketInput(
        release_id="REL-2026-0007",
        letter_date=date(2026, 3, 6),
        request=request,
        approval=ReleaseApproval(
            True, "Lt. Marcus Webb", T0 + timedelta(days=1), "Verified law enforcement purpose"
        ),
        records=records,
        manifest=manifest,
    )


def evidence() -> EvidencePackageInput:
    items = (
        EvidenceItem("R-88412", "Read", f"{PLATES[0]} IA, red sedan", T0, "Hwy 965 NB"),
        EvidenceItem("H-1042", "Hit", f"{PLATES[0]} stolen vehicle hit", T0, "Hwy 965 NB"),
    )
    files = (
        FileHash("reads.csv", "c" * 64, 512),
        FileHash("hits.json", "d" * 64, 2300),
        FileHash("images/R-88412-crop.jpg", "e" * 64, 9100),
        FileHash("images/R-88412-overview.jpg", "f" * 64, 81200),
    )
    return EvidencePackageInput(
        package_id="EV-0019",
        case_number="26-00112",
        exported_by="inv.garcia",
        exported_at=T0 + timedelta(days=1),
        hold=EvidenceHold(
            "26-00112",
            "Stolen vehicle recovery; arrest",
            "inv.garcia",
            T0 + timedelta(hours=2),
            date(2026, 9, 1),
        ),
        items=items,
        files=files,
    )


def usage() -> UsageReportInput:
    return UsageReportInput(
        period_label="Q1 2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        reads_total=1_562_340,
        reads_by_camera=(
            LabeledCount("Hwy 965 NB", 540_112),
            LabeledCount("Hwy 965 SB", 522_871),
            LabeledCount("Penn St EB", 499_357),
        ),
        reads_by_month=(
            LabeledCount("Jan", 512_000),
            LabeledCount("Feb", 489_340),
            LabeledCount("Mar", 561_000),
        ),
        hits_by_type=(
            LabeledCount("Stolen vehicle", 41),
            LabeledCount("Stolen plate", 27),
            LabeledCount("Wanted person", 9),
            LabeledCount("Protection order", 4),
            LabeledCount("Missing person", 2),
        ),
        dispositions=(
            LabeledCount("Vehicle recovered", 18),
            LabeledCount("Arrest", 6),
            LabeledCount("Not located", 31),
            LabeledCount("Misread", 28),
        ),
        searches_by_user=(
            UserSearchCount("inv.garcia", 52, 50, 2, 3),
            UserSearchCount("ofc.lee", 31, 20, 11, 0),
        ),
        releases=(ReleaseSummary("RR-0007", "Coralville Police Department", T0, "Approved", 4),),
        purges=tuple(
            PurgeSummary(f"P-2026010{d}-01", datetime(2026, 1, d, 2, tzinfo=TZ), 17_000, 10, 34_000, 2)
            for d in range(1, 4)
        ),
    )


def transparency() -> TransparencyInput:
    return TransparencyInput(
        period_label="2026 first quarter",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        cameras=3,
        reads=1_562_340,
        hits=83,
        hits_confirmed=24,
        searches=83,
        releases_approved=1,
        releases_denied=0,
        purge_runs=90,
        retention=(RetentionRule("Reads", 30), RetentionRule("Hit records", 30), RetentionRule("Images", 30)),
        audits=(
            AuditDone("January 2026", date(2026, 2, 3), 10, 0),
            AuditDone("February 2026", date(2026, 3, 3), 10, 1),
        ),
        hits_by_type=(
            LabeledCount("Stolen vehicle", 41),
            LabeledCount("Stolen plate", 27),
            LabeledCount("Other <types>", 15),
        ),
        contact="Records Division, (319) 626-5724",
    )


def test_inputs_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile().name = "x"  # type: ignore[misc]


def test_agency_name_is_required() -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(profile(), name="  ")
