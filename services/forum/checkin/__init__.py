"""Check-in at in-person forums: the QR code of a confirmed signup, the staff's scan (or the
short code typed by hand), and attendance and no-show counts."""
