-- The last slot dealt with for every rule and recipient.
SELECT rule, recipient, last_slot FROM digest_schedule;
