"""How a North American plate's O/0 is keyed when its format does not settle it: as zero.

On most US plates the letter O and the digit 0 are one glyph, and the records a read is compared
with key them one way. Several states issue no letter O at all and key zero (Alabama, Florida,
Idaho; Maryland, Pennsylvania, Virginia and Michigan leave O out of their standard serials), and
personalised plates are keyed with zero: in the 745 labelled US plate crops of the dev data the
letter O appears 16 times, each in a letter place of a serial format (``NOX218``, ``355OCT``),
and the digit 0 314 times, every vanity word included (``BL0GGER``, ``CHICAG0``, ``M0T0RZ``).

So a reading that fits a listed format keeps what the format decoder chose (an O in a letter
place stays), and one that fits none (a vanity plate, or a serial the table does not know) is
keyed with zeros. Hot-list matching folds O/0 either way (:mod:`recognition.match.confusion`);
this decides what is shown, stored and compared exactly. European and Brazilian plates are not
keyed (the reader calls this only where the US/Canadian prior applies).
"""

from __future__ import annotations

from recognition.plates.prior import PlatePrior

#: Jurisdictions that issue no letter O on any plate and key zero for it (public keying rules of the
#: state records: "does not use the letter O; key zero instead").
NO_LETTER_O = frozenset({"AL", "FL", "ID"})


def key_zero(text: str, prior: PlatePrior, state: str | None = None) -> str:
    """``text`` as a North American plate is keyed: every O a zero unless a listed format fits it as it is.

    Args:
        text: A plate reading (0-9A-Z).
        prior: The format prior (its table decides what fits).
        state: The jurisdiction read on the plate, if any (its formats are tried first; a state of
            :data:`NO_LETTER_O` keys every O as zero).

    """
    if "O" not in text:
        return text
    if state in NO_LETTER_O:
        return text.replace("O", "0")
    if (state and prior.fits(text, state)) or prior.fits(text):
        return text
    return text.replace("O", "0")
