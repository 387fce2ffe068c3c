-- Ledger notifications gathered in linear time: each line's size is added to a running count of bytes (the limit on
-- a notification's payload is in bytes), and a notification's lines are joined once. The loop before measured the
-- whole payload with length() (which counts characters by reading them) and copied it for every line it added: a
-- batch of moves (two lines each) spent most of its notify trigger there.
CREATE OR REPLACE FUNCTION termin_notify_ledger(lines text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    header text := coalesce(current_setting('application_name', true), '') || E'\n';
    count  int := coalesce(cardinality(lines), 0);
    first  int := 1;     -- the first line of the notification being gathered
    bytes  int := octet_length(header);
BEGIN
    FOR i IN 1 .. count LOOP
        IF bytes + octet_length(lines[i]) + 1 > 7000 AND i > first THEN
            PERFORM pg_notify('termin_ledger', header || array_to_string(lines[first:i - 1], E'\n') || E'\n');
            first := i;
            bytes := octet_length(header);
        END IF;
        bytes := bytes + octet_length(lines[i]) + 1;
    END LOOP;
    IF first <= count THEN
        PERFORM pg_notify('termin_ledger', header || array_to_string(lines[first:count], E'\n') || E'\n');
    END IF;
END $$;
