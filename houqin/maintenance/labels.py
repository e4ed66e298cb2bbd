"""How places are named on pages and phones (no database access)."""


def room_label(room):
    """ "教学楼 301 三年级2班": building, number, and the room's name when it has one."""
    return f"{room.building.name} {room.number}{' ' + room.name if room.name else ''}"
