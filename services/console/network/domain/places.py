"""Where things are: the 47 prefectures (JIS X 0401) with their names in Japanese and English,
their block and their seat, and the point on the map a member is drawn at.

Pure: the official list of local governments (`kit.gazetteer.local_governments()`) is passed in,
so tests can place members without reading the file. The blocks are the kit's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kit.gazetteer import Block, LocalGovernment, block_for_prefecture_code

# Index = prefecture code - 1. The official list names prefectures in Japanese only.
PREFECTURE_EN: tuple[str, ...] = (
    "Hokkaido", "Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima", "Ibaraki", "Tochigi", "Gunma",
    "Saitama", "Chiba", "Tokyo", "Kanagawa", "Niigata", "Toyama", "Ishikawa", "Fukui", "Yamanashi", "Nagano",
    "Gifu", "Shizuoka", "Aichi", "Mie", "Shiga", "Kyoto", "Osaka", "Hyogo", "Nara", "Wakayama", "Tottori",
    "Shimane", "Okayama", "Hiroshima", "Yamaguchi", "Tokushima", "Kagawa", "Ehime", "Kochi", "Fukuoka", "Saga",
    "Nagasaki", "Kumamoto", "Oita", "Miyazaki", "Kagoshima", "Okinawa",
)
# 県庁所在地: the municipality each prefectural office stands in (東京都: 新宿区), by prefecture code - 1.
# A member without a municipality of its own (a prefecture, an organisation known by its prefecture)
# is drawn there: the official list gives prefectures no coordinates.
SEATS: tuple[str, ...] = (
    "011002", "022012", "032018", "041009", "052019", "062014", "072010", "082015", "092011", "102016",
    "111007", "121002", "131041", "141003", "151009", "162019", "172014", "182010", "192015", "202011",
    "212016", "221007", "231002", "242012", "252018", "261009", "271004", "281000", "292010", "302015",
    "312011", "322016", "331007", "341002", "352039", "362018", "372013", "382019", "392014", "401307",
    "412015", "422011", "431001", "442011", "452017", "462012", "472018",
)


@dataclass(frozen=True, slots=True)
class Prefecture:
    code: str  # "01"–"47"
    ja: str
    en: str
    block: Block
    seat: str  # the seat's local government code


def prefectures(lgs: Mapping[str, LocalGovernment]) -> tuple[Prefecture, ...]:
    """The 47, north to south, named as the official list names them."""
    names = {lg.prefecture_code: lg.prefecture for lg in lgs.values()}
    return tuple(Prefecture(code=f"{n:02d}", ja=names.get(f"{n:02d}", f"{n:02d}"), en=PREFECTURE_EN[n - 1],
                            block=block_for_prefecture_code(n), seat=SEATS[n - 1]) for n in range(1, 48))


def home_prefecture(prefecture_code: str | None, municipality_code: str | None) -> str | None:
    """A thing's prefecture code: as given, else the first two digits of its municipality's code;
    None when neither names one of the 47."""
    for code in (prefecture_code, (municipality_code or "")[:2]):
        if code and len(code) == 2 and code.isdigit() and 1 <= int(code) <= 47:
            return code
    return None


@dataclass(frozen=True, slots=True)
class Place:
    """A point on the map: the municipality drawn at, and whether it stands in for a prefecture."""

    code: str
    name: str  # full name, e.g. 岐阜県飛騨市
    lat: float
    lon: float
    at_seat: bool  # drawn at its prefecture's seat, having no municipality of its own


def place_of(prefecture_code: str | None, municipality_code: str | None, *,
             lgs: Mapping[str, LocalGovernment]) -> Place | None:
    """Its municipality's office when that is on the list with coordinates, else its prefecture's
    seat; None when neither is known."""
    lg = lgs.get(municipality_code or "")
    if lg is not None and lg.lat is not None and lg.lon is not None:
        return Place(code=lg.code, name=lg.full_name, lat=lg.lat, lon=lg.lon, at_seat=False)
    home = home_prefecture(prefecture_code, municipality_code)
    seat = lgs.get(SEATS[int(home) - 1]) if home else None
    if seat is None or seat.lat is None or seat.lon is None:
        return None
    return Place(code=seat.code, name=seat.full_name, lat=seat.lat, lon=seat.lon, at_seat=True)
