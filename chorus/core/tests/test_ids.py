"""Time-ordered UUIDs: version 7, their time readable, in the order they were made."""

import time
import uuid

from chorus.core.ids import milliseconds_of, time_ordered_uuid


def test_a_time_ordered_uuid_is_version_7_of_the_rfc_variant():
    made = time_ordered_uuid()

    assert made.version == 7
    assert made.variant == uuid.RFC_4122


def test_it_carries_the_millisecond_it_was_made_in():
    before = time.time_ns() // 1_000_000
    made = time_ordered_uuid()
    after = time.time_ns() // 1_000_000

    milliseconds = milliseconds_of(str(made))
    assert milliseconds is not None
    assert before <= milliseconds <= after


def test_uuids_made_a_millisecond_apart_sort_in_the_order_they_were_made():
    made = []
    for _ in range(20):
        made.append(time_ordered_uuid())
        time.sleep(0.0015)

    assert sorted(made) == made
    assert len(set(made)) == 20


def test_uuids_made_in_the_same_millisecond_differ():
    assert len({time_ordered_uuid() for _ in range(1000)}) == 1000


def test_other_keys_carry_no_time():
    assert milliseconds_of(str(uuid.uuid4())) is None
    assert milliseconds_of("post-1") is None
    assert milliseconds_of("") is None
