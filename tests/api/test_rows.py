"""A GraphQL type filled from its row: columns by name, ids by one naming rule."""

from __future__ import annotations

import uuid
from enum import StrEnum
from types import SimpleNamespace

import pytest
import strawberry

from api.graphql.relay import to_global_id
from api.graphql.rows import FromColumns, from_columns


@strawberry.enum
class Finish(StrEnum):
    MATT = "matt"
    GLOSS = "gloss"


@strawberry.type
class Widget:
    id: strawberry.ID
    name: str
    size: int
    uid: strawberry.Private[uuid.UUID]
    team_uid: strawberry.Private[uuid.UUID | None]
    finish: Finish
    coating: Finish | None

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


ROW = SimpleNamespace(
    id=uuid.uuid4(), name="knob", size=3, team_id=None, finish="gloss", coating=None, extra="no"
)


class TestFromColumns:
    def test_each_field_takes_the_column_of_the_same_name(self) -> None:
        widget = from_columns(Widget, ROW)
        assert (widget.name, widget.size) == ("knob", 3)

    def test_the_public_id_is_the_global_id_named_for_the_type(self) -> None:
        assert from_columns(Widget, ROW).id == to_global_id("Widget", ROW.id)

    def test_uid_is_the_rows_id_and_a_thing_uid_its_thing_id(self) -> None:
        widget = from_columns(Widget, ROW)
        assert (widget.uid, widget.team_uid) == (ROW.id, None)

    def test_a_differing_field_is_taken_as_given(self) -> None:
        assert from_columns(Widget, ROW, size=7).size == 7

    def test_a_field_typed_by_an_enum_takes_the_member_and_null_stays_null(self) -> None:
        widget = from_columns(Widget, ROW)
        assert (widget.finish, widget.coating) == (Finish.GLOSS, None)

    def test_a_missing_column_is_an_error_not_a_default(self) -> None:
        with pytest.raises(AttributeError):
            from_columns(Widget, SimpleNamespace(id=ROW.id, name="knob", team_id=None))

    def test_a_type_with_nothing_differing_takes_from_row_from_the_mixin(self) -> None:
        @strawberry.type
        class Plain(FromColumns):
            name: str
            finish: Finish

        assert Plain.from_row(ROW) == Plain(name="knob", finish=Finish.GLOSS)

    def test_a_field_may_be_named_row(self) -> None:
        @strawberry.type
        class Keeper:
            name: str
            row: strawberry.Private[object]

        assert from_columns(Keeper, ROW, row=ROW).row is ROW
