-- Sales made on holidays
select d.caldate, count(*) as sales, sum(s.pricepaid) as revenue
from sales s
join date d on s.dateid = d.dateid
where d.holiday = true
group by d.caldate
order by d.caldate;
