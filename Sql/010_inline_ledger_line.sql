-- termin_ledger_line was declared IMMUTABLE around concat_ws, which is only STABLE (its text of a date follows the
-- session's DateStyle). PostgreSQL inlines a SQL function only when its body is no more volatile than its
-- declaration, so each ledger line cost a SQL function call per row (issue 14's profile: about 3 % of the machine
-- under REST bookings). Declared STABLE, what it is, it is inlined into the notify triggers' queries.
ALTER FUNCTION termin_ledger_line(text, appointment) STABLE;
