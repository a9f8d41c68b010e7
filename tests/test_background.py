"""`consume_beside`: the producer's and the consumer's errors reach the right side."""

import pytest

from icilabas.core.background import consume_beside


def numbers(stop_with=None):
    yield from range(5)
    if stop_with is not None:
        raise stop_with


@pytest.mark.django_db(transaction=True)
def test_the_consumer_gets_every_item_in_order():
    seen = []
    consume_beside(numbers(), lambda items: seen.extend(items))
    assert seen == [0, 1, 2, 3, 4]


@pytest.mark.django_db(transaction=True)
def test_the_producers_error_is_met_by_the_consumer():
    seen, met = [], []

    def consume(items):
        try:
            seen.extend(items)
        except ValueError as error:
            met.append(str(error))

    consume_beside(numbers(ValueError("ligne 12")), consume)
    assert seen == [0, 1, 2, 3, 4] and met == ["ligne 12"]


@pytest.mark.django_db(transaction=True)
def test_the_consumers_error_is_raised_to_the_producer_which_stops():
    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    def consume(items):
        for item in items:
            if item == 3:
                raise RuntimeError("écriture impossible")

    with pytest.raises(RuntimeError, match="écriture impossible"):
        consume_beside(endless(), consume)
    assert len(produced) < 10  # one item waits in the channel at most


def test_inside_a_transaction_the_consumer_runs_on_this_thread(db):
    import threading

    threads = []
    consume_beside(numbers(), lambda items: threads.append(threading.current_thread()))
    assert threads == [threading.current_thread()]
