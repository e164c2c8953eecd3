-- Events in the 99.9 percentile of gross sales
select eventname, total_price
from (select eventid, total_price, ntile(1000) over (order by total_price desc) as percentile
      from (select eventid, sum(pricepaid) as total_price
            from sales
            group by eventid) q) q2
join event e on q2.eventid = e.eventid
where percentile = 1
order by total_price desc;
