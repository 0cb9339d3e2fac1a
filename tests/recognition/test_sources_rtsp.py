"""RTSP for real: an H.264 clip encoded by ffmpeg, served over RTSP on loopback, read by OpenCvSource.

ffmpeg 5.1 (Debian 12) cannot act as an RTSP *server* for output (``-rtsp_flags listen`` only
exists for its demuxer), so the test carries a minimal RTSP server (OPTIONS, DESCRIBE, SETUP,
PLAY, TEARDOWN; RTP/H.264 interleaved over TCP, RFC 6184 FU-A) fed with ffmpeg's real H.264.
"""

from __future__ import annotations

import base64
import shutil
import socket
import struct
import subprocess
import threading
import time

import pytest

from recognition.config import CameraConfig
from recognition.sources import create_source
from tests.recognition._sources import wait_for

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None,
                                reason="ffmpeg is not installed (apt-get install -y ffmpeg)")


def h264_access_units(seconds: float = 2.0) -> list[list[bytes]]:
    """Encode a test pattern with ffmpeg and split the Annex B stream into access units of NALs."""
    raw = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
         f"testsrc=size=320x240:rate=25:duration={seconds}", "-c:v", "libx264", "-g", "10",
         "-bf", "0", "-pix_fmt", "yuv420p", "-x264-params", "aud=1", "-f", "h264", "-"],
        check=True, capture_output=True, timeout=60,
    ).stdout
    nals = [n.lstrip(b"\x00") for n in raw.split(b"\x00\x00\x01") if n.strip(b"\x00")]
    units: list[list[bytes]] = []
    for nal in nals:
        if nal[0] & 0x1F == 9:  # access unit delimiter starts a frame
            units.append([])
        elif units:
            units[-1].append(nal.rstrip(b"\x00"))
    return [u for u in units if u]


class MiniRtspServer:
    """Serves access units in a loop at 25 fps to every client that PLAYs."""

    def __init__(self, units: list[list[bytes]], port: int = 0) -> None:
        self.units = units
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.stop_event = threading.Event()
        self.clients: list[socket.socket] = []
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}/s"

    def close(self) -> None:
        self.stop_event.set()
        for s in [self.sock, *self.clients]:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for t in self.threads:
            t.join(5)

    def _accept(self) -> None:
        while not self.stop_event.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.clients.append(conn)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(t)
            t.start()

    def _sdp(self) -> bytes:
        sps = next(n for u in self.units for n in u if n[0] & 0x1F == 7)
        pps = next(n for u in self.units for n in u if n[0] & 0x1F == 8)
        sprop = base64.b64encode(sps).decode() + "," + base64.b64encode(pps).decode()
        return ("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=test\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                f"a=fmtp:96 packetization-mode=1;sprop-parameter-sets={sprop}\r\na=control:track1\r\n").encode()

    def _serve(self, conn: socket.socket) -> None:
        buf = b""
        streamer: threading.Thread | None = None
        while not self.stop_event.is_set():
            try:
                data = conn.recv(4096)
            except OSError:
                return
            if not data:
                return
            buf += data
            while buf:
                if buf[:1] == b"$":  # interleaved RTCP from the client
                    if len(buf) < 4 or len(buf) < 4 + struct.unpack(">H", buf[2:4])[0]:
                        break
                    buf = buf[4 + struct.unpack(">H", buf[2:4])[0]:]
                    continue
                if b"\r\n\r\n" not in buf:
                    break
                head, buf = buf.split(b"\r\n\r\n", 1)
                lines = head.decode(errors="replace").split("\r\n")
                method = lines[0].split(" ")[0]
                cseq = next((ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("cseq")), "0")
                extra, body = "", b""
                if method == "OPTIONS":
                    extra = "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER\r\n"
                elif method == "DESCRIBE":
                    body = self._sdp()
                    extra = f"Content-Base: {self.url}/\r\nContent-Type: application/sdp\r\n"
                elif method == "SETUP":
                    extra = "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 12345678\r\n"
                elif method == "PLAY":
                    extra = "Session: 12345678\r\n"
                reply = f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n{extra}Content-Length: {len(body)}\r\n\r\n".encode()
                try:
                    conn.sendall(reply + body)
                except OSError:
                    return
                if method == "PLAY" and streamer is None:
                    streamer = threading.Thread(target=self._stream, args=(conn,), daemon=True)
                    self.threads.append(streamer)
                    streamer.start()
                if method == "TEARDOWN":
                    return

    def _stream(self, conn: socket.socket) -> None:
        seq, frame = 0, 0
        next_due = time.monotonic()
        while not self.stop_event.is_set():
            unit = self.units[frame % len(self.units)]
            packets = []
            for i, nal in enumerate(unit):
                last_nal = i == len(unit) - 1
                if len(nal) <= 1400:
                    packets.append((nal, last_nal))
                    continue
                indicator, kind, rest = (nal[0] & 0xE0) | 28, nal[0] & 0x1F, nal[1:]
                chunks = [rest[k:k + 1400] for k in range(0, len(rest), 1400)]
                for c, chunk in enumerate(chunks):
                    header = kind | (0x80 if c == 0 else 0) | (0x40 if c == len(chunks) - 1 else 0)
                    packets.append((bytes([indicator, header]) + chunk, last_nal and c == len(chunks) - 1))
            out = b""
            for payload, marker in packets:
                rtp = struct.pack(">BBHII", 0x80, (0x80 if marker else 0) | 96, seq & 0xFFFF, frame * 3600, 0x1234)
                out += b"$\x00" + struct.pack(">H", len(rtp) + len(payload)) + rtp + payload
                seq += 1
            try:
                conn.sendall(out)
            except OSError:
                return
            frame += 1
            next_due += 0.04
            time.sleep(max(0.0, next_due - time.monotonic()))


@pytest.fixture(scope="module")
def units():
    return h264_access_units()


def rtsp_camera(url: str) -> CameraConfig:
    return CameraConfig.model_validate({
        "id": "rtsp-1", "source": {"type": "rtsp", "url": url, "transport": "tcp"},
        "capture": {"queue_size": 2, "backoff_initial_s": 0.2, "backoff_max_s": 0.5, "read_timeout_s": 1.5},
    })


def test_rtsp_stream_is_decoded_and_reported_live(units):
    server = MiniRtspServer(units)
    source = create_source(rtsp_camera(server.url))
    try:
        source.start()
        frame = source.get(10.0)
        assert frame is not None and frame.image.shape == (240, 320, 3)
        assert wait_for(lambda: source.health().state == "live" and source.health().fps_in > 5, 5)
    finally:
        source.stop()
        server.close()


def test_camera_dropping_mid_stream_reconnects(units):
    # Given a live RTSP camera
    server = MiniRtspServer(units)
    port = server.port
    source = create_source(rtsp_camera(server.url))
    try:
        source.start()
        assert source.get(10.0) is not None
        # When the camera goes away mid-stream
        server.close()
        # Then the source reports reconnecting (and keeps trying)
        assert wait_for(lambda: source.health().state in ("reconnecting", "offline"), 10)
        assert source.health().reconnects >= 1
        # When the camera comes back on the same address
        server = MiniRtspServer(units, port=port)
        while source.get(0.0) is not None:  # forget frames from before the drop
            pass
        # Then frames flow again and the state is live
        assert source.get(15.0) is not None
        assert wait_for(lambda: source.health().state == "live", 5)
    finally:
        source.stop()
        server.close()
