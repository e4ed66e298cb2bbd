"""Serializers of the core app's simple records (shape only; services check the rules)."""

from rest_framework import serializers

from ..models import Building, Campus, Department, Membership, Role, Room, School, Semester
from .base import ScopedModelSerializer


class SchoolSerializer(ScopedModelSerializer):
    class Meta:
        model = School
        fields = [
            "id",
            "kind",
            "name",
            "short_name",
            "code",
            "parent",
            "keeps_own_books",
            "address",
            "phone",
            "principal_name",
            "pupils",
            "is_active",
            "depth",
        ]
        read_only_fields = ["parent", "depth", "kind"]


class DepartmentSerializer(ScopedModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "school", "name", "head", "is_logistics_office", "sort_order"]
        read_only_fields = ["school"]


class CampusSerializer(ScopedModelSerializer):
    class Meta:
        model = Campus
        fields = ["id", "school", "name", "address"]
        read_only_fields = ["school"]


class BuildingSerializer(ScopedModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "school", "campus", "name", "floors", "built_year", "structure"]
        read_only_fields = ["school"]


class RoomSerializer(ScopedModelSerializer):
    building_name = serializers.CharField(source="building.name", read_only=True)
    responsible_name = serializers.CharField(source="responsible.display_name", read_only=True, default=None)

    class Meta:
        model = Room
        fields = [
            "id",
            "school",
            "building",
            "building_name",
            "number",
            "name",
            "kind",
            "floor",
            "capacity",
            "area",
            "responsible",
            "responsible_name",
            "department",
            "is_active",
        ]
        read_only_fields = ["school"]


class SemesterSerializer(ScopedModelSerializer):
    class Meta:
        model = Semester
        fields = ["id", "school", "school_year", "term", "start_date", "end_date"]
        read_only_fields = ["school"]


class MembershipSerializer(ScopedModelSerializer):
    """A role held at a node. `school` defaults to the active scope; every choice (node, person,
    department) is limited to what the caller may see, the service checks the rest."""

    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    role = serializers.SlugRelatedField(slug_field="code", queryset=Role.objects.all())
    role_name = serializers.CharField(source="role.name", read_only=True)
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all(), required=False)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "username",
            "full_name",
            "role",
            "role_name",
            "school",
            "department",
            "title",
        ]
        # The table's uniqueness is checked by the service, which gives a clearer message.
        validators = []


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "code", "name", "description", "permissions"]
        read_only_fields = fields
