-- Ticket revenue for Shows, by category name
select c.catname, sum(s.pricepaid) as revenue
from sales s
join event e on s.eventid = e.eventid
join category c on e.catid = c.catid
where c.catgroup = 'Shows'
group by c.catname
order by revenue desc;
