-- Total sales on a given calendar date
select sum(qtysold) as tickets_sold
from sales, date
where sales.dateid = date.dateid
and caldate = '2008-01-05';
