-- Running total of a seller's sales, in the order they were made
select sellerid, saletime, pricepaid,
       sum(pricepaid) over (partition by sellerid order by saletime
                            rows unbounded preceding) as running_total
from sales
where sellerid in (select sellerid from sales group by sellerid order by count(*) desc limit 3)
order by sellerid, saletime;
