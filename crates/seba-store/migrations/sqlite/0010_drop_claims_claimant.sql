-- No query looks claims up by the claimant's number (a claimant's cases are found through
-- cases.requester_msisdn), and every claim filed wrote one more page to this index at a
-- random place: a bulk import paid for it on every row.
DROP INDEX claims_claimant;
