/*
** items_test.c: listing pages split into items; label lines read in their
** many spellings; dates made ISO.
*/
#include "check.h"
#include "thp/items.h"

static const struct {
    const char *in, *want;
    int year;
} dates[] = {
    {"february 2008", "2008-02", 2008},
    {"SEPTEMBER 2011", "2011-09", 2011},
    {"2014", "2014", 2014},
    {"February 2011", "2011-02", 2011},
    {"28-29 June 2011", "2011-06-28", 2011},
    {"2011-09-28", "2011-09-28", 2011},
    {"2011-09", "2011-09", 2011},
    {"sept. 2012", "2012-09", 2012},
    {"12 mei 2010", "2010-05-12", 2010},
    {"no date here", "", 0},
    {"tel 0107118988", "", 0},
    {"room 12345", "", 0},
};

static const char listing[] =
    "Site News\n\nFirst Item Title\n\nLocation: the hague, the netherlands \n"
    "date: SEPTEMBER 2011\n\nFirst paragraph of the first item.\n"
    "Second line.\n\nDownload the Report\n\n back to overview\n\n"
    "Second Item\n\nlocation, manila, the philippines\n"
    "Date : march 2012\nPartners: A, B\nAuthors:Jane Doe, john roe\n\n"
    "Body two.\n\nMore news\n\nSecond Item\n\nPublication date: 2014\n\n"
    "A third item with the same title.\n";

int main(void)
{
    struct thp_items it;
    size_t i;

    for (i = 0; i < sizeof dates / sizeof *dates; i++) {
        char out[11];
        int y = thp_items_parse_date(dates[i].in, strlen(dates[i].in), out);

        CHECK_STR(out, dates[i].want);
        CHECK(y == dates[i].year);
    }

    CHECK(thp_items_is_boilerplate(" Back to overview ", 18));
    CHECK(thp_items_is_boilerplate("DOWNLOAD THE REPORT", 19));
    CHECK(!thp_items_is_boilerplate("Download the report of 2011", 27));

    CHECK(thp_items_split(listing, sizeof listing - 1, &it, NULL) == THP_OK);
    CHECK(it.n == 3);
    if (it.n == 3) {
        /* the page heading before the first item starts item one */
        CHECK_STR(it.v[0].title.s, "Site News");
        CHECK(strstr(it.v[0].body.s, "First Item Title") != NULL);
        CHECK_STR(it.v[0].location.s, "The Hague, The Netherlands");
        CHECK_STR(it.v[0].date, "2011-09");
        CHECK(it.v[0].year == 2011);
        CHECK(strstr(it.v[0].body.s, "Download") == NULL);
        CHECK(strstr(it.v[0].body.s, "Location") == NULL);

        CHECK_STR(it.v[1].title.s, "Second Item");
        CHECK_STR(it.v[1].location.s, "Manila, The Philippines");
        CHECK_STR(it.v[1].date, "2012-03");
        CHECK_STR(it.v[1].partners.s, "A, B");
        CHECK_STR(it.v[1].authors.s, "Jane Doe, john roe");
        CHECK_STR(it.v[1].body.s, "Body two.");
        CHECK_STR(it.v[1].anchor, "second-item");

        CHECK_STR(it.v[2].date, "2014");
        CHECK_STR(it.v[2].anchor, "second-item-2"); /* anchors are unique */
    }
    thp_items_release(&it);

    /* a page with no separators is one item */
    CHECK(thp_items_split("Title\n\nJust text.", 17, &it, NULL) == THP_OK);
    CHECK(it.n == 1 && strcmp(it.v[0].title.s, "Title") == 0);
    thp_items_release(&it);
    /* nothing but furniture: no items */
    CHECK(thp_items_split("More news\nback to overview\n", 27, &it, NULL) ==
          THP_OK);
    CHECK(it.n == 0);
    thp_items_release(&it);
    /* a long first line is prose, not a title */
    {
        char prose[400];

        memset(prose, 'a', sizeof prose - 1);
        prose[sizeof prose - 1] = '\0';
        CHECK(thp_items_split(prose, strlen(prose), &it, NULL) == THP_OK);
        CHECK(it.n == 1 && it.v[0].title.n == 0 && it.v[0].body.n == 399);
        thp_items_release(&it);
    }
    return check_done("items");
}
