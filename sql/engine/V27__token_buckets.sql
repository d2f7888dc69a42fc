-- A night's partitions split the tokens by bucket, hashtext(token_name) & 1023, each a range of buckets (issue 27,
-- item 6). Statistics of that expression let the planner see how many of a table's rows a partition's range holds:
-- without them it took any condition on it for half a percent of the rows, and over a month of nights planned the
-- due-orders page as a read and sort of every due order of the night, for each page (80 ms a page instead of 3).
CREATE STATISTICS orders_token_bucket ON ((hashtext(token_name) & 1023)) FROM orders;
CREATE STATISTICS tokens_token_bucket ON ((hashtext(token_name) & 1023)) FROM tokens;
ANALYZE orders, tokens;
