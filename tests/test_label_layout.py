"""Labels beside points (bilateral.viz.label_layout): placed clear of each other, of captions and of points, inside
the plot at phone width. Expected positions are worked out by hand from the module's stated geometry: a plot 170 px
wide, characters 6.4 px, lines 12 px, a 2 px gap, markers 10 px across."""

from __future__ import annotations

import pytest

from bilateral.viz import label_layout as ll
from bilateral.viz.label_layout import Placement


def test_two_labels_at_one_point_go_above_and_below_it():
    # both at x = 5 of 0..10 (85 px), y 100 px: the first takes the nearest row (6 px above), the second would overlap
    # it there, so it goes 10 px below (boxes 88-100 and 104-116 px: 4 px apart)
    placed = ll.place_labels([5, 5], [100, 100], ["about 70", "more than 80"], x_domain=(0, 10), height=200)
    assert placed == [Placement(7, -6, "left"), Placement(7, 10, "left")]


def test_labels_far_apart_keep_the_nearest_row():
    placed = ll.place_labels([1, 8], [100, 100], ["Q1", "Q3"], x_domain=(0, 10), height=200)
    assert placed == [Placement(7, -6, "left"), Placement(7, -6, "left")]


def test_a_label_near_the_right_edge_is_written_to_the_left_of_its_point():
    # x = 9.5 of 0..10 is 161.5 px; "more than 200" is 13 x 6.4 = 83.2 px: right of the point it would end at 251.7 px
    # (past 170), left of it it spans 71.3-154.5 px
    placed = ll.place_labels([9.5], [100], ["more than 200"], x_domain=(0, 10), height=200)
    assert placed == [Placement(-7, -6, "right")]


def test_a_label_at_the_top_of_the_plot_goes_below_its_point():
    # y = 0: 6 px above would put the box at -12..0 px, outside; 10 px below is 4..16 px
    assert ll.place_labels([2], [0], ["forecast"], x_domain=(0, 10), height=200) == [Placement(7, 10, "left")]


def test_a_band_caption_at_the_top_keeps_labels_off_it():
    # "Border closed" centred on x = 1 of 0..10 (17 px): 13 x 6.4 = 83.2 px wide, so 0-58.6 px across, 3-15 px down.
    # A point at x = 2 (34 px), y 12 px: 6 px above (0-12 px) and 10 below (16-28 px) both come within 2 px of the
    # caption, on either side of the point; the next row below (28-40 px) is clear.
    caption = ll.caption_box(1, "Border closed", (0, 10))
    assert (caption.left, caption.right, caption.top, caption.bottom) == pytest.approx((-24.6, 58.6, 3, 15))
    placed = ll.place_labels([2], [12], ["800"], x_domain=(0, 10), height=200, fixed=[caption])
    assert placed == [Placement(7, 22, "left")]


def test_a_long_caption_goes_on_two_lines_at_the_space_nearest_its_middle():
    text = "Border closed to travellers (COVID-19), 2020–2022"  # 49 characters, middle 24.5: spaces at 16 and 27
    assert ll.wrap_middle(text) == "Border closed to travellers\n(COVID-19), 2020–2022"
    assert ll.wrap_middle("Border closed, 2020–2022") == "Border closed, 2020–2022"  # 24: one line
    box = ll.caption_box(5, ll.wrap_middle(text), (0, 10))
    assert (box.top, box.bottom) == (3, 27)


def test_a_label_is_moved_off_a_neighbouring_point():
    # label "Jan–Sep" of a point at x = 1 (17 px), y 100: right of it, 6 px above, it spans 24-68.8 px by 88-100 px;
    # a marker at x = 2 (34 px), y 95 px covers 29-39 by 90-100 px: under the label. 10 px below (104-116) is clear.
    placed = ll.place_labels([1], [100], ["Jan–Sep"], x_domain=(0, 10), height=200, markers=[(1, 100), (2, 95)])
    assert placed == [Placement(7, 10, "left")]


def test_an_empty_label_is_not_placed_and_blocks_nothing():
    placed = ll.place_labels([5, 5], [100, 100], ["", "Q1"], x_domain=(0, 10), height=200)
    assert placed == [ll.EMPTY, Placement(7, -6, "left")]


def test_labels_clear_of_each_other_on_the_narrow_plot_stay_clear_on_wider_ones():
    # six labels half a year apart at nearly one height: placed for 170 px, then drawn on plots 1x to 6x as wide;
    # rectangles are compared directly here, without the module's own test. (Placed by a plain rectangle test, the
    # third label went left of its point beside the second's rightward label and crossed it from 1.5x on.)
    xs = [2020 + i * 0.5 for i in range(6)]
    ys = [100 + (i % 3) * 4 for i in range(6)]
    texts = [f"about {10 * i}" for i in range(6)]
    placed = ll.place_labels(xs, ys, texts, x_domain=(2015.5, 2024.5), height=260)

    def intersect(a: ll.Box, b: ll.Box) -> bool:
        return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom

    for stretch in (1, 1.5, 2, 3, 6):
        scale = ll.NARROW_PLOT_PX * stretch / 9
        boxes = [ll.text_box((x - 2015.5) * scale, y, t, dx=p.dx, dy=p.dy, align=p.align)
                 for x, y, t, p in zip(xs, ys, texts, placed, strict=True)]  # fmt: skip
        clashes = [(a, b) for a in range(6) for b in range(a + 1, 6) if intersect(boxes[a], boxes[b])]
        assert clashes == [], f"{stretch}x: {clashes}"


def test_text_boxes_of_two_line_labels_are_as_tall_as_two_lines_and_as_wide_as_the_longer():
    # Vega centres the first line on y + dy = 60 (54-66 px) and writes the second 12 px below it (down to 78 px)
    box = ll.text_box(0, 50, ll.two_lines("more than 56,000", "2024/25"), dx=-7, dy=10, align="right")
    assert (box.left, box.right, box.top, box.bottom) == pytest.approx((-7 - 16 * 6.4, -7, 54, 78))


def test_a_two_line_label_keeps_clear_of_the_label_under_its_second_line():
    # "more than 56,000 / 2024/25" 6 px above a point at y 100 spans 88-112 px; "about 5" beside a point at y 120,
    # 6 px above, spans 108-120 px and starts 6.4 px right of the first's end: close enough to clash with its second
    # line, so it goes 10 px below (124-136 px). (A box centred on both lines, 82-106 px, missed this.)
    first = ll.two_lines("more than 56,000", "2024/25")
    placed = ll.place_labels([1, 3], [100, 120], [first, "about 5"], x_domain=(0, 10), height=260)
    assert placed == [Placement(7, -6, "left"), Placement(7, 10, "left")]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("563", "Jan–Sep", "563 Jan–Sep"),  # 11 characters: one line
        ("more than 56,000", "2024/25", "more than 56,000\n2024/25"),  # 24: two
        ("forecast", "", "forecast"),
        ("", "Q1", "Q1"),
    ],
)
def test_long_labels_go_on_two_lines(first: str, second: str, expected: str):
    assert ll.two_lines(first, second) == expected


def test_nice_domains_are_the_ones_vega_draws():
    # 0..223: a tenth of the span is 22.3, whose leading 2.23 rounds to a step of 2 x 10 -> 0..240 (then 24: step 20
    # again, done); 0..91: 9.1 -> step 10 (9.1 >= sqrt 50) -> 0..100; 0..70.5: 7.05 < sqrt 50 -> step 5 -> 0..75,
    # whose tenth 7.5 -> step 10 -> 0..80 (Vega draws 0..80); 0..14.1: 1.41 < sqrt 2 -> step 1 -> 0..15, then 1.5 ->
    # step 2 -> 0..16; 0..0.47: 0.047 -> step 0.05 -> 0..0.5; log 563..5.5 million -> 100..10 million
    assert ll.nice_domain(0, 223, log=False) == (0, 240)
    assert ll.nice_domain(0, 91, log=False) == (0, 100)
    assert ll.nice_domain(0, 70.5, log=False) == (0, 80)
    assert ll.nice_domain(0, 14.1, log=False) == (0, 16)
    assert ll.nice_domain(0, 0.47, log=False) == pytest.approx((0, 0.5))
    assert ll.nice_domain(563, 5_500_000, log=True) == (100, 10_000_000)


def test_y_pixels_count_down_from_the_top():
    assert ll.y_pixels([0, 120, 240], (0, 240), 200, log=False) == [200, 100, 0]
    assert ll.y_pixels([1000], (100, 10_000), 200, log=True) == pytest.approx([100])
