-- Average days between listing and sale, by category group
select c.catgroup, avg(datediff(day, l.listtime, s.saletime)) as avg_days_to_sell
from sales s
join listing l on s.listid = l.listid
join event e on s.eventid = e.eventid
join category c on e.catid = c.catid
group by c.catgroup
order by avg_days_to_sell;
