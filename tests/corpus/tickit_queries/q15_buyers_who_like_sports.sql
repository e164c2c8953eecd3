-- Buyers who like sports and bought tickets to a Sports event on a weekend day
select u.username, u.firstname || ' ' || u.lastname as name, count(*) as purchases
from sales s
join users u on s.buyerid = u.userid
join event e on s.eventid = e.eventid
join category c on e.catid = c.catid
join date d on s.dateid = d.dateid
where u.likesports = true
and c.catgroup = 'Sports'
and d.day in ('SA', 'SU')
group by u.username, u.firstname, u.lastname
order by purchases desc
limit 20;
