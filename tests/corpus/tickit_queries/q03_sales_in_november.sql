-- Tickets sold and revenue in November, by day
select d.caldate, sum(s.qtysold) as tickets, sum(s.pricepaid) as revenue
from sales s
join date d on s.dateid = d.dateid
where d.month = 'NOV'
group by d.caldate
order by d.caldate;
